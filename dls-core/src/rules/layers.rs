//! Rule layer files in a folder: which files of a folder are rule layers, and the warning for a
//! layer file left out of a load although it holds rules for the loaded rules' areas (loading
//! `rules-national.toml` and `rules-GM0394.toml` without `rules-region.toml` silently loses
//! the region's rules otherwise).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::areas::AreaRef;
use crate::directory::Directory;
use crate::source::{io_error, Format, ParseError};
use crate::validation::{Location, Problem, ProblemKind, Severity};

use super::data::RuleSetData;

/// A rule layer file is a `.toml` or `.json` file whose name starts with this (e.g.
/// `rules-national.toml`, `rules-GM0394.json`, `rules.toml`).
pub const RULE_FILE_PREFIX: &str = "rules";

/// True when `path` names a rule layer file (see [`RULE_FILE_PREFIX`]).
pub fn is_rule_file(path: &Path) -> bool {
    Format::from_path(path).is_some()
        && path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with(RULE_FILE_PREFIX))
}

/// Every rule layer file of `folder`, in name order (the order never changes the rule set:
/// layers come from the rules' areas, not from files). A missing folder, or one without rule
/// files, is [`ParseError::NotFound`] naming what was looked for.
pub fn rule_files(folder: &Path) -> Result<Vec<PathBuf>, ParseError> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
        .map_err(|e| io_error(&folder.display().to_string(), &e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && is_rule_file(p))
        .collect();
    if files.is_empty() {
        return Err(ParseError::NotFound {
            file: folder
                .join(format!("{RULE_FILE_PREFIX}-*.toml"))
                .display()
                .to_string(),
        });
    }
    files.sort();
    Ok(files)
}

/// Every area a rule set's data names: of its rules, switch-offs, steunpilaren and coordinators.
fn areas_of(data: &RuleSetData) -> BTreeSet<&AreaRef> {
    data.rules
        .iter()
        .flat_map(|r| &r.areas)
        .chain(data.switch_off.iter().map(|s| &s.area))
        .chain(data.steunpilaar.iter().map(|s| &s.area))
        .chain(data.coordinator.iter().map(|s| &s.area))
        .collect()
}

/// Warnings for the rule layer files beside the `loaded` ones that were not loaded but hold
/// rules for areas that overlap the areas of the loaded rules (`data`). A file beside them that
/// cannot be read is left alone: it was not asked for.
pub(crate) fn left_out(
    directory: &Directory,
    data: &RuleSetData,
    loaded: &[&Path],
) -> Vec<Problem> {
    let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let loaded_set: BTreeSet<PathBuf> = loaded.iter().map(|p| canonical(p)).collect();
    let folders: BTreeSet<PathBuf> = loaded
        .iter()
        .map(|p| p.parent().unwrap_or(Path::new("")).to_path_buf())
        .collect();
    let ours = areas_of(data);
    let areas = directory.areas();
    let mut out = Vec::new();
    for folder in folders {
        let dir = if folder.as_os_str().is_empty() {
            Path::new(".")
        } else {
            folder.as_path()
        };
        let Ok(files) = rule_files(dir) else {
            continue;
        };
        for file in files {
            if loaded_set.contains(&canonical(&file)) {
                continue;
            }
            let Ok(other) = RuleSetData::from_file(&file) else {
                continue;
            };
            let theirs: Vec<String> = areas_of(&other)
                .into_iter()
                .filter(|a| ours.iter().any(|o| areas.overlap(a, o)))
                .map(|a| format!("`{a}`"))
                .collect();
            if theirs.is_empty() {
                continue;
            }
            let name = folder.join(file.file_name().unwrap_or_default());
            out.push(Problem {
                severity: Severity::Warning,
                kind: ProblemKind::LayerLeftOut,
                location: Location {
                    file: Some(name.display().to_string()),
                    ..Location::default()
                },
                message: format!(
                    "this rule file beside the loaded ones was not loaded, but it has rules for \
                     {}, where the loaded rules apply: load it too, or load the whole folder",
                    theirs.join(", ")
                ),
            });
        }
    }
    out
}
