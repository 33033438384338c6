"""The ``dls`` console script: the Rust command line (``dls validate``, ``coverage``, ``route``,
``evaluate``) installed with the wheel. ``dls --help`` lists the commands and exit codes."""

from __future__ import annotations

import sys
from typing import List, Optional

from dls import _dls

__all__ = ["main"]


def main(argv: Optional[List[str]] = None) -> int:
    """Runs ``dls`` with ``argv`` (default: ``sys.argv``) and exits with its code."""
    args = list(sys.argv if argv is None else argv)
    args[:1] = ["dls"]
    sys.stdout.flush()
    sys.stderr.flush()
    code = _dls._cli_main(args)
    if argv is None:
        sys.exit(code)
    return code


if __name__ == "__main__":
    main()
