//! The layers of the crate, checked from its source text: no two files of `dls-core/src` import
//! each other (directly or around a circle), and no file but `lib.rs` uses the crate-wide
//! `Error` (loaders return their own error types, which `lib.rs` wraps).
//!
//! A file is a module. Its references are the `crate::…` and `super::…` paths it names outside
//! comments, strings and character literals (imports and paths written inline alike); each is
//! resolved to the deepest file-module it names. `super::` inside an inline module (such as
//! `mod tests`) counts from that inline module. A parent's `mod`/`pub use child::…` lines are
//! not references: they are how a module presents its children.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module path (segments below the crate root) for every file under `src`, keyed by path.
fn modules(src: &Path) -> BTreeMap<Vec<String>, String> {
    fn walk(dir: &Path, src: &Path, out: &mut BTreeMap<Vec<String>, String>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, src, out);
            } else if p.extension().is_some_and(|e| e == "rs") {
                let rel = p.strip_prefix(src).unwrap();
                let mut segs: Vec<String> = rel
                    .with_extension("")
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                if segs.last().is_some_and(|s| s == "mod" || s == "lib") {
                    segs.pop();
                }
                out.insert(segs, rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(src, src, &mut out);
    out
}

/// The text with comments, string literals and character literals blanked out (line breaks
/// kept), so braces and paths in them do not count.
fn code_only(text: &str) -> String {
    let b: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < b.len() && b[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == '/' && b.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if b[i] == '*' && b.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(b[i]));
                    i += 1;
                }
            }
        } else if c == 'r' && (next == Some('#') || next == Some('"')) && !ident_before(&b, i) {
            // raw string r"…" or r#"…"#
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                if j >= b.len() {
                    break;
                }
                if b[j] == '"' && (0..hashes).all(|h| b.get(j + 1 + h) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                out.push(blank(b[j]));
                j += 1;
            }
            i = j;
        } else if c == '"' {
            i += 1;
            while i < b.len() && b[i] != '"' {
                if b[i] == '\\' {
                    i += 1;
                }
                if i < b.len() {
                    out.push(blank(b[i]));
                }
                i += 1;
            }
            i += 1;
        } else if c == '\'' {
            // a character literal ('x', '\n', '\u{..}'), or else a lifetime
            let end = if next == Some('\\') {
                (i + 2..b.len().min(i + 12)).find(|&j| b[j] == '\'')
            } else if b.get(i + 2) == Some(&'\'') {
                Some(i + 2)
            } else {
                None
            };
            match end {
                Some(e) => i = e + 1,
                None => {
                    out.push(c);
                    i += 1;
                }
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn ident_before(b: &[char], i: usize) -> bool {
    i > 0 && (b[i - 1].is_alphanumeric() || b[i - 1] == '_')
}

/// One reference: the module it resolves to, and the item named right after it (if any).
type Reference = (Vec<String>, Option<String>);

/// Parses the path after `crate::`/`super::` at `at` (a `{…}` group gives several), starting at
/// module `base`, into references.
fn parse_path(
    code: &[char],
    mut at: usize,
    base: Vec<String>,
    modules: &BTreeMap<Vec<String>, String>,
    out: &mut Vec<Reference>,
) {
    let mut module = base;
    loop {
        while code.get(at).is_some_and(|c| c.is_whitespace()) {
            at += 1;
        }
        if code.get(at) == Some(&'{') {
            // a group: each item continues from `module`
            at += 1;
            loop {
                while code.get(at).is_some_and(|c| c.is_whitespace() || *c == ',') {
                    at += 1;
                }
                match code.get(at) {
                    None | Some('}') => return,
                    _ => {}
                }
                parse_path(code, at, module.clone(), modules, out);
                // skip this item, nested groups included
                let mut depth = 0;
                while let Some(&c) = code.get(at) {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => break,
                        '}' => depth -= 1,
                        ',' if depth == 0 => break,
                        _ => {}
                    }
                    at += 1;
                }
            }
        }
        let start = at;
        while code
            .get(at)
            .is_some_and(|c| c.is_alphanumeric() || *c == '_')
        {
            at += 1;
        }
        let seg: String = code[start..at].iter().collect();
        if seg.is_empty() || seg == "self" {
            out.push((module, None));
            return;
        }
        let mut deeper = module.clone();
        deeper.push(seg.clone());
        let continues = code.get(at) == Some(&':') && code.get(at + 1) == Some(&':');
        if modules.contains_key(&deeper) && continues {
            module = deeper;
            at += 2;
        } else if modules.contains_key(&deeper) {
            out.push((deeper, None));
            return;
        } else {
            out.push((module, Some(seg)));
            return;
        }
    }
}

/// The references of one file whose module path is `me`.
fn references(
    text: &str,
    me: &[String],
    modules: &BTreeMap<Vec<String>, String>,
) -> Vec<Reference> {
    let code: Vec<char> = code_only(text).chars().collect();
    let mut out = Vec::new();
    // the stack of inline modules (`mod x { … }`) we are in, as brace depths where they opened
    let mut inline: Vec<usize> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < code.len() {
        let c = code[i];
        let starts_word = i == 0 || !(code[i - 1].is_alphanumeric() || code[i - 1] == '_');
        if c == '{' {
            depth += 1;
            // an inline module: `mod name {`
            let before: String = code[i.saturating_sub(80)..i].iter().collect();
            let words: Vec<&str> = before.split_whitespace().collect();
            if words.len() >= 2 && words[words.len() - 2] == "mod" {
                inline.push(depth);
            }
        } else if c == '}' {
            if inline.last() == Some(&depth) {
                inline.pop();
            }
            depth = depth.saturating_sub(1);
        } else if starts_word && code[i..].starts_with(&['c', 'r', 'a', 't', 'e', ':', ':']) {
            parse_path(&code, i + 7, Vec::new(), modules, &mut out);
        } else if starts_word && code[i..].starts_with(&['s', 'u', 'p', 'e', 'r', ':', ':']) {
            // `super` of an inline module at nesting n is n - 1 levels below this file
            let mut base: Vec<String> = me.to_vec();
            if inline.is_empty() {
                base.pop();
            }
            let mut at = i + 7;
            while code[at..].starts_with(&['s', 'u', 'p', 'e', 'r', ':', ':']) {
                base.pop();
                at += 7;
            }
            parse_path(&code, at, base, modules, &mut out);
        }
        i += 1;
    }
    out
}

/// Every file's references to other files, and the files that name the crate-wide `Error`.
fn graph() -> (BTreeMap<String, BTreeSet<String>>, Vec<String>) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let modules = modules(&src);
    let mut edges = BTreeMap::new();
    let mut crate_error = Vec::new();
    for (module, file) in &modules {
        let text = std::fs::read_to_string(src.join(file)).unwrap();
        let mut to = BTreeSet::new();
        for (target, item) in references(&text, module, &modules) {
            if target.is_empty() && item.as_deref() == Some("Error") && !module.is_empty() {
                crate_error.push(file.clone());
            }
            let target = &modules[&target];
            if target != file {
                to.insert(target.clone());
            }
        }
        edges.insert(file.clone(), to);
    }
    crate_error.dedup();
    (edges, crate_error)
}

/// The strongly connected components with more than one file (Tarjan's algorithm).
fn circles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct T<'a> {
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(t: &mut T<'a>, v: &'a str) {
        let n = t.index.len();
        t.index.insert(v, n);
        t.low.insert(v, n);
        t.stack.push(v);
        t.on_stack.insert(v);
        for w in &t.edges[v] {
            let w = w.as_str();
            if !t.index.contains_key(w) {
                visit(t, w);
                let lw = t.low[w];
                let lv = t.low.get_mut(v).unwrap();
                *lv = (*lv).min(lw);
            } else if t.on_stack.contains(w) {
                let iw = t.index[w];
                let lv = t.low.get_mut(v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if t.low[v] == t.index[v] {
            let mut scc = Vec::new();
            loop {
                let w = t.stack.pop().unwrap();
                t.on_stack.remove(w);
                scc.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if scc.len() > 1 {
                scc.sort();
                t.out.push(scc);
            }
        }
    }
    let mut t = T {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in edges.keys() {
        if !t.index.contains_key(v.as_str()) {
            visit(&mut t, v);
        }
    }
    t.out
}

#[test]
fn no_import_circle_between_files() {
    let (edges, _) = graph();
    let found = circles(&edges);
    let unexpected: Vec<_> = found
        .iter()
        .map(|c| {
            let ties: Vec<String> = c
                .iter()
                .flat_map(|a| {
                    edges[a]
                        .iter()
                        .filter(|b| c.contains(b))
                        .map(move |b| format!("{a} -> {b}"))
                })
                .collect();
            format!("circle of {}: {}", c.join(", "), ties.join(", "))
        })
        .collect();
    assert!(unexpected.is_empty(), "{}", unexpected.join("\n"));
}

#[test]
fn only_lib_names_the_crate_error() {
    let (_, users) = graph();
    assert!(
        users.is_empty(),
        "these files use `crate::Error`, the crate-wide error; return the module's own error \
         and let lib.rs wrap it: {users:?}"
    );
}

#[test]
fn the_checker_sees_circles_and_crate_error() {
    let mut modules = BTreeMap::new();
    for (m, f) in [(vec![], "lib.rs"), (vec!["a"], "a.rs"), (vec!["b"], "b.rs")] {
        modules.insert(m.into_iter().map(String::from).collect(), f.to_string());
    }
    let a = "use crate::b::X;\n// crate::lib_only in a comment\nfn f() -> crate::Error { loop {} }";
    let refs = references(a, &["a".to_string()], &modules);
    assert_eq!(
        refs,
        vec![
            (vec!["b".to_string()], Some("X".to_string())),
            (vec![], Some("Error".to_string())),
        ]
    );
    let b =
        "use super::{a::{self, Y}, c};\nconst S: &str = \"crate::a\";\nmod tests { use super::*; }";
    let refs = references(b, &["b".to_string()], &modules);
    assert_eq!(
        refs,
        vec![
            (vec!["a".to_string()], None),
            (vec!["a".to_string()], Some("Y".to_string())),
            (vec![], Some("c".to_string())),
            (vec!["b".to_string()], None),
        ]
    );
    let mut edges = BTreeMap::new();
    edges.insert("a.rs".to_string(), BTreeSet::from(["b.rs".to_string()]));
    edges.insert("b.rs".to_string(), BTreeSet::from(["a.rs".to_string()]));
    edges.insert("lib.rs".to_string(), BTreeSet::new());
    assert_eq!(
        circles(&edges),
        vec![vec!["a.rs".to_string(), "b.rs".to_string()]]
    );
}
