//! `dls validate DIR`: load the folder's directory and every rule layer, list every problem.

use std::io::Write as _;

use dls_core::{Directory, LoadError, Problem, RuleSet};
use serde::Serialize;

use crate::args::ValidateArgs;
use crate::{EXIT_OK, EXIT_PROBLEMS};

/// One problem as the command reports it: a validation problem, or a file that could not be
/// read or parsed (kind `missing_file` or `parse`, with line and column where known).
#[derive(Debug, Serialize)]
struct Reported {
    severity: &'static str,
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    item: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<usize>,
    message: String,
    /// The whole line as text output shows it.
    #[serde(skip)]
    text: String,
}

impl From<&Problem> for Reported {
    fn from(p: &Problem) -> Self {
        Reported {
            severity: p.severity.as_str(),
            kind: p.kind.as_str(),
            file: p.location.file.clone(),
            item: p.location.item.clone(),
            field: p.location.field.clone(),
            line: None,
            column: None,
            message: p.message.clone(),
            text: p.to_string(),
        }
    }
}

/// The problems of a failed load: every validation problem, or the one parse error.
fn of_error(e: &LoadError) -> Vec<Reported> {
    match e {
        LoadError::Invalid(report) => report.problems.iter().map(Reported::from).collect(),
        LoadError::Parse(p) => {
            let at = p.location();
            vec![Reported {
                severity: "error",
                kind: if p.is_missing_file() {
                    "missing_file"
                } else {
                    "parse"
                },
                file: at.file,
                item: None,
                field: None,
                line: at.line,
                column: at.column,
                message: p.to_string(),
                text: format!("error: {p}"),
            }]
        }
        other => vec![Reported {
            severity: "error",
            kind: "load",
            file: None,
            item: None,
            field: None,
            line: None,
            column: None,
            message: other.to_string(),
            text: format!("error: {other}"),
        }],
    }
}

#[derive(Debug, Serialize)]
struct Report {
    folder: String,
    valid: bool,
    errors: usize,
    warnings: usize,
    rules: Option<usize>,
    problems: Vec<Reported>,
}

pub(crate) fn run(a: &ValidateArgs) -> anyhow::Result<i32> {
    let mut problems = Vec::new();
    let mut rules = None;
    match Directory::from_folder(&a.dir) {
        Ok((dir, warnings)) => {
            problems.extend(warnings.iter().map(Reported::from));
            match RuleSet::from_folder(&dir, &a.dir) {
                Ok(r) => {
                    problems.extend(r.warnings().iter().map(Reported::from));
                    rules = Some(r.data().rules.len());
                }
                Err(e) => problems.extend(of_error(&e)),
            }
        }
        Err(e) => problems.extend(of_error(&e)),
    }
    let errors = problems.iter().filter(|p| p.severity == "error").count();
    let report = Report {
        folder: a.dir.display().to_string(),
        valid: errors == 0,
        errors,
        warnings: problems.len() - errors,
        rules,
        problems,
    };
    let mut out = std::io::stdout().lock();
    if a.json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else {
        for p in &report.problems {
            writeln!(out, "{}", p.text)?;
        }
        match report.rules {
            Some(n) if report.valid => writeln!(
                out,
                "`{}`: valid, {n} rules, {} warning(s)",
                report.folder, report.warnings
            )?,
            _ => writeln!(
                out,
                "`{}`: {} error(s), {} warning(s)",
                report.folder, report.errors, report.warnings
            )?,
        }
    }
    Ok(if report.valid { EXIT_OK } else { EXIT_PROBLEMS })
}
