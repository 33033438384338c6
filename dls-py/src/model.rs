//! `Directory` and `RuleSet`: loading from files or text, validation problems, pickling.

use std::path::PathBuf;

use dls_core::validation::Problem;
use dls_core::{Directory, DirectoryData, Format, RuleSet, RuleSetData};
use pyo3::prelude::*;
use pyo3::types::PyTuple;

use crate::errors::{call, detached, problems, Failure};

pub(crate) fn format(name: &str) -> Result<Format, Failure> {
    name.to_ascii_lowercase()
        .parse()
        .map_err(|e: dls_core::ids::IdError| Failure::bad_input(e.to_string(), Some("format")))
}

fn paths(args: &Bound<'_, PyTuple>) -> PyResult<Vec<PathBuf>> {
    let mut out = Vec::with_capacity(args.len());
    for a in args.iter() {
        // A single list or tuple of paths is accepted as well as several arguments.
        if let Ok(list) = a.extract::<Vec<PathBuf>>() {
            out.extend(list);
        } else {
            out.push(a.extract::<PathBuf>()?);
        }
    }
    Ok(out)
}

pub(crate) fn to_python<'py, T: serde::Serialize>(
    py: Python<'py>,
    v: &T,
) -> PyResult<Bound<'py, PyAny>> {
    pythonize::pythonize(py, v).map_err(PyErr::from)
}

/// What `__reduce__` returns: a callable and its arguments.
pub(crate) type Reduced<'py, A> = (Bound<'py, PyAny>, A);

/// A validated directory of areas, needs, organisations and services.
#[pyclass(frozen, module = "dls._dls", name = "Directory")]
pub struct PyDirectory {
    pub(crate) inner: Directory,
    warnings: Vec<Problem>,
    /// What an import (HSDS) did not take over, one line each.
    import_notes: Vec<String>,
}

impl PyDirectory {
    pub(crate) fn new(inner: Directory, warnings: Vec<Problem>) -> Self {
        PyDirectory {
            inner,
            warnings,
            import_notes: Vec::new(),
        }
    }
}

#[pymethods]
impl PyDirectory {
    /// Reads and validates a directory from `.toml` or `.json` files, merged in order.
    #[staticmethod]
    #[pyo3(signature = (*paths))]
    fn load(py: Python<'_>, paths: &Bound<'_, PyTuple>) -> PyResult<Self> {
        let paths = self::paths(paths)?;
        detached(py, move || {
            if paths.is_empty() {
                return Err(Failure::bad_input(
                    "no directory files given",
                    Some("paths"),
                ));
            }
            let (d, w) = Directory::load_files(&paths)?;
            Ok(PyDirectory::new(d, w))
        })
    }

    /// Reads and validates the directory of a folder: its `areas`, `taxonomy` and `directory`
    /// files (`.toml` or `.json`), found by name.
    #[staticmethod]
    fn load_folder(py: Python<'_>, folder: PathBuf) -> PyResult<Self> {
        detached(py, move || {
            let (d, w) = Directory::from_folder(&folder)?;
            Ok(PyDirectory::new(d, w))
        })
    }

    /// Parses and validates a directory from one text; `name` names it in problems.
    #[staticmethod]
    #[pyo3(signature = (text, format = "toml", name = "<string>"))]
    fn parse(py: Python<'_>, text: String, format: &str, name: &str) -> PyResult<Self> {
        let name = name.to_string();
        let format = call(py, || self::format(format))?;
        detached(py, move || {
            let (d, w) = Directory::new(DirectoryData::parse(&text, format, &name)?)?;
            Ok(PyDirectory::new(d, w))
        })
    }

    /// Reads a directory from HSDS 3.0 (`.json` files, or folders holding the tabular CSV
    /// package) onto the areas and taxonomy of `base`, mapping taxonomy terms and service areas
    /// through the mapping file `mapping` (`.toml` or `.json`; none: only what dls itself
    /// exported maps). What was not taken over is in `import_notes`.
    #[staticmethod]
    #[pyo3(signature = (paths, base, mapping = None))]
    fn from_hsds(
        py: Python<'_>,
        paths: &Bound<'_, PyAny>,
        base: &PyDirectory,
        mapping: Option<PathBuf>,
    ) -> PyResult<Self> {
        let paths = self::paths(&PyTuple::new(py, [paths])?)?;
        let base = base.inner.clone();
        detached(py, move || {
            let (d, w, notes) =
                dls_core::hsds::load_with_mapping_file(&base, &paths, mapping.as_deref())?;
            Ok(PyDirectory {
                inner: d,
                warnings: w,
                import_notes: notes,
            })
        })
    }

    /// Reads a directory from the CSV tables of `folder` (`services.csv`, one row per service,
    /// `;`-joined lists; `organisations.csv`) onto the areas and taxonomy of `base`.
    #[staticmethod]
    fn from_tables(py: Python<'_>, folder: PathBuf, base: &PyDirectory) -> PyResult<Self> {
        let base = base.inner.clone();
        detached(py, move || {
            let (d, w) = dls_core::tabular::load(&base, &folder)?;
            Ok(PyDirectory::new(d, w))
        })
    }

    /// The directory as HSDS 3.0 JSON text (one page of `service_full` objects).
    fn to_hsds(&self, py: Python<'_>) -> PyResult<String> {
        let d = self.inner.clone();
        detached(py, move || Ok(dls_core::hsds::export_json(&d)))
    }

    /// What the HSDS import did not take over (fields, tables, unmapped terms and areas,
    /// skipped services), one line each; empty for other loaders.
    #[getter]
    fn import_notes(&self) -> Vec<String> {
        self.import_notes.clone()
    }

    /// Warnings found by validation.
    #[getter]
    fn warnings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, pyo3::types::PyList>> {
        problems(py, &self.warnings)
    }

    /// Ids of the kernen, in file order.
    #[getter]
    fn kernen(&self) -> Vec<String> {
        self.inner
            .areas()
            .data()
            .kernen
            .iter()
            .map(|k| k.id.to_string())
            .collect()
    }

    /// Ids of the organisations, in file order.
    #[getter]
    fn organisations(&self) -> Vec<String> {
        self.inner
            .organisations()
            .iter()
            .map(|o| o.id.to_string())
            .collect()
    }

    /// Ids of the services, in file order.
    #[getter]
    fn services(&self) -> Vec<String> {
        self.inner
            .services()
            .iter()
            .map(|s| s.id.to_string())
            .collect()
    }

    /// The directory as plain data (dicts and lists, as in a JSON file).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner.to_data())
    }

    /// The directory as JSON text, loadable with `Directory.parse(text, "json")`.
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        let d = self.inner.clone();
        detached(py, move || {
            serde_json::to_string(&d).map_err(|e| Failure::Internal(e.to_string()))
        })
    }

    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
        py: Python<'py>,
    ) -> PyResult<Reduced<'py, (String, &'static str, &'static str)>> {
        let json = slf.get().to_json(py)?;
        let parse = py.get_type::<PyDirectory>().getattr("parse")?;
        Ok((parse, (json, "json", "<pickle>")))
    }

    fn __repr__(&self) -> String {
        format!(
            "Directory({} kernen, {} organisations, {} services)",
            self.inner.areas().data().kernen.len(),
            self.inner.organisations().len(),
            self.inner.services().len()
        )
    }
}

/// A rule set validated against a directory.
#[pyclass(frozen, module = "dls._dls", name = "RuleSet")]
pub struct PyRuleSet {
    pub(crate) inner: RuleSet,
}

#[pymethods]
impl PyRuleSet {
    /// Reads rule files (`.toml` or `.json`, merged in order) and validates them against
    /// `directory`.
    #[staticmethod]
    #[pyo3(signature = (directory, *paths))]
    fn load(py: Python<'_>, directory: &PyDirectory, paths: &Bound<'_, PyTuple>) -> PyResult<Self> {
        let paths = self::paths(paths)?;
        let dir = directory.inner.clone();
        detached(py, move || {
            if paths.is_empty() {
                return Err(Failure::bad_input("no rule files given", Some("paths")));
            }
            Ok(PyRuleSet {
                inner: RuleSet::from_files(&dir, &paths)?,
            })
        })
    }

    /// Reads every rule layer file of a folder (`rules….toml` or `.json`) and validates them
    /// against `directory`.
    #[staticmethod]
    fn load_folder(py: Python<'_>, directory: &PyDirectory, folder: PathBuf) -> PyResult<Self> {
        let dir = directory.inner.clone();
        detached(py, move || {
            Ok(PyRuleSet {
                inner: RuleSet::from_folder(&dir, &folder)?,
            })
        })
    }

    /// Parses one text and validates it against `directory`; `name` names it in problems.
    #[staticmethod]
    #[pyo3(signature = (directory, text, format = "toml", name = "<string>"))]
    fn parse(
        py: Python<'_>,
        directory: &PyDirectory,
        text: String,
        format: &str,
        name: &str,
    ) -> PyResult<Self> {
        let name = name.to_string();
        let format = call(py, || self::format(format))?;
        let dir = directory.inner.clone();
        detached(py, move || {
            Ok(PyRuleSet {
                inner: RuleSet::new(&dir, RuleSetData::parse(&text, format, &name)?)?,
            })
        })
    }

    /// The directory this rule set was validated against.
    #[getter]
    fn directory(&self) -> PyDirectory {
        PyDirectory::new(self.inner.directory().clone(), Vec::new())
    }

    /// Warnings found by validation.
    #[getter]
    fn warnings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, pyo3::types::PyList>> {
        problems(py, self.inner.warnings())
    }

    /// Ids of the rules, in file order.
    #[getter]
    fn rules(&self) -> Vec<String> {
        self.inner
            .data()
            .rules
            .iter()
            .map(|r| r.id.to_string())
            .collect()
    }

    /// The rule set as plain data (dicts and lists, as in a JSON file).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, self.inner.data())
    }

    /// The rule set as JSON text, loadable with `RuleSet.parse(directory, text, "json")`.
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        let r = self.inner.clone();
        detached(py, move || {
            serde_json::to_string(r.data()).map_err(|e| Failure::Internal(e.to_string()))
        })
    }

    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
        py: Python<'py>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyTuple>)> {
        let this = slf.get();
        let json = this.to_json(py)?;
        let dir = Bound::new(py, this.directory())?;
        let parse = py.get_type::<PyRuleSet>().getattr("parse")?;
        let args = PyTuple::new(
            py,
            [
                dir.into_any(),
                json.into_pyobject(py)?.into_any(),
                "json".into_pyobject(py)?.into_any(),
                "<pickle>".into_pyobject(py)?.into_any(),
            ],
        )?;
        Ok((parse, args))
    }

    fn __repr__(&self) -> String {
        format!("RuleSet({} rules)", self.inner.data().rules.len())
    }
}
