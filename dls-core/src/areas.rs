//! Areas: municipalities (CBS codes), kernen (villages and towns) and regions, and which
//! contains which.
//!
//! An [`AreaRef`] names one area at one of four [`Layer`]s; [`Areas`] is the validated set of
//! areas that answers containment questions in constant time.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::ids::{wire_names, IdError, KernId, MunicipalityCode, RegionId};
use crate::validation::{Location, ProblemKind, ValidationReport};

/// A municipality (gemeente), identified by its CBS code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Municipality {
    /// CBS code, e.g. `GM0394`.
    pub code: MunicipalityCode,
    /// Official name.
    pub name: String,
}

/// A kern: a village or town inside exactly one municipality.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Kern {
    /// Stable id, e.g. `hoofddorp`.
    pub id: KernId,
    /// Name as residents write it.
    pub name: String,
    /// The municipality it lies in.
    pub municipality: MunicipalityCode,
}

/// A region (regio): a named set of municipalities, e.g. a care region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Region {
    /// Stable id.
    pub id: RegionId,
    /// Name.
    pub name: String,
    /// Member municipalities.
    pub municipalities: Vec<MunicipalityCode>,
}

/// The layer a rule or a coverage entry belongs to, from least to most specific.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Layer {
    /// The whole country.
    National,
    /// A region of municipalities.
    Region,
    /// One municipality.
    Municipality,
    /// One kern.
    Kern,
}

wire_names!(
    Layer,
    "layer",
    display,
    [
        National = "national",
        Region = "region",
        Municipality = "municipality",
        Kern = "kern",
    ]
);

/// A reference to one area. Written as text: `national`, `region:<id>`, `GM0394` or `kern:<id>`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum AreaRef {
    /// The whole country.
    National,
    /// A region.
    Region(RegionId),
    /// A municipality.
    Municipality(MunicipalityCode),
    /// A kern.
    Kern(KernId),
}

impl AreaRef {
    /// The layer of this area.
    pub fn layer(&self) -> Layer {
        match self {
            AreaRef::National => Layer::National,
            AreaRef::Region(_) => Layer::Region,
            AreaRef::Municipality(_) => Layer::Municipality,
            AreaRef::Kern(_) => Layer::Kern,
        }
    }
}

impl FromStr for AreaRef {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        if s == "national" {
            Ok(AreaRef::National)
        } else if let Some(r) = s.strip_prefix("region:") {
            Ok(AreaRef::Region(r.parse()?))
        } else if let Some(k) = s.strip_prefix("kern:") {
            Ok(AreaRef::Kern(k.parse()?))
        } else if s.starts_with("GM") {
            Ok(AreaRef::Municipality(s.parse()?))
        } else {
            Err(IdError {
                kind: "area",
                reason: "must be `national`, `region:<id>`, a municipality code like `GM0394`, or `kern:<id>`",
            })
        }
    }
}

impl TryFrom<String> for AreaRef {
    type Error = IdError;
    fn try_from(s: String) -> Result<Self, IdError> {
        s.parse()
    }
}

impl From<AreaRef> for String {
    fn from(a: AreaRef) -> String {
        a.to_string()
    }
}

impl fmt::Display for AreaRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AreaRef::National => f.write_str("national"),
            AreaRef::Region(r) => write!(f, "region:{r}"),
            AreaRef::Municipality(m) => write!(f, "{m}"),
            AreaRef::Kern(k) => write!(f, "kern:{k}"),
        }
    }
}

impl fmt::Debug for AreaRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AreaRef({self})")
    }
}

impl JsonSchema for AreaRef {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "AreaRef".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^(national|region:[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}|GM[0-9]{4}|kern:[A-Za-z0-9][A-Za-z0-9_.:-]{0,63})$",
            "description": "An area: `national`, `region:<id>`, a CBS municipality code, or `kern:<id>`."
        })
    }
}

/// Areas as written in files, before validation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AreasData {
    /// Municipalities.
    #[serde(default, rename = "municipality")]
    pub municipalities: Vec<Municipality>,
    /// Kernen.
    #[serde(default, rename = "kern")]
    pub kernen: Vec<Kern>,
    /// Regions.
    #[serde(default, rename = "region")]
    pub regions: Vec<Region>,
}

/// Validated areas with containment indexes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Areas {
    data: AreasData,
    municipality_index: HashMap<MunicipalityCode, usize>,
    kern_index: HashMap<KernId, usize>,
    region_index: HashMap<RegionId, usize>,
    /// For each kern (by index), its municipality index.
    kern_municipality: Vec<usize>,
    /// For each municipality (by index), the sorted region indexes it belongs to.
    municipality_regions: Vec<Vec<usize>>,
    /// For each municipality (by index), its kern indexes.
    municipality_kernen: Vec<Vec<usize>>,
}

impl Serialize for Areas {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.data.serialize(s)
    }
}

impl Areas {
    /// Validates areas: unique ids, every kern in a known municipality, regions of known
    /// municipalities. Problems are appended to `report`; `file` names the source.
    pub(crate) fn build(
        data: AreasData,
        file_of: &dyn Fn(&str, &str) -> Option<String>,
        report: &mut ValidationReport,
    ) -> Areas {
        let mut municipality_index = HashMap::new();
        for (i, m) in data.municipalities.iter().enumerate() {
            if municipality_index.insert(m.code.clone(), i).is_some() {
                report.duplicate(
                    file_of("municipality", m.code.as_str()),
                    "municipality",
                    m.code.as_str(),
                    "code",
                );
            }
        }
        let mut kern_index = HashMap::new();
        let mut kern_municipality = Vec::with_capacity(data.kernen.len());
        for (i, k) in data.kernen.iter().enumerate() {
            let loc = Location::item(
                file_of("kern", k.id.as_str()).as_deref(),
                "kern",
                k.id.as_str(),
            );
            if kern_index.insert(k.id.clone(), i).is_some() {
                report.error(
                    ProblemKind::DuplicateId,
                    loc.clone().field("id"),
                    format!("kern `{}` is declared twice", k.id),
                );
            }
            match municipality_index.get(&k.municipality) {
                Some(&m) => kern_municipality.push(m),
                None => {
                    kern_municipality.push(usize::MAX);
                    report.error(
                        ProblemKind::UnknownMunicipality,
                        loc.field("municipality"),
                        format!("unknown municipality `{}`", k.municipality),
                    );
                }
            }
        }
        let mut region_index = HashMap::new();
        let mut municipality_regions = vec![Vec::new(); data.municipalities.len()];
        for (i, r) in data.regions.iter().enumerate() {
            let loc = Location::item(
                file_of("region", r.id.as_str()).as_deref(),
                "region",
                r.id.as_str(),
            );
            if region_index.insert(r.id.clone(), i).is_some() {
                report.error(
                    ProblemKind::DuplicateId,
                    loc.clone().field("id"),
                    format!("region `{}` is declared twice", r.id),
                );
            }
            if r.municipalities.is_empty() {
                report.error(
                    ProblemKind::EmptyList,
                    loc.clone().field("municipalities"),
                    "a region needs at least one municipality",
                );
            }
            for m in &r.municipalities {
                match municipality_index.get(m) {
                    Some(&mi) => {
                        if !municipality_regions[mi].contains(&i) {
                            municipality_regions[mi].push(i);
                        }
                    }
                    None => report.error(
                        ProblemKind::UnknownMunicipality,
                        loc.clone().field("municipalities"),
                        format!("unknown municipality `{m}`"),
                    ),
                }
            }
        }
        Areas {
            data,
            municipality_index,
            kern_index,
            region_index,
            municipality_kernen: {
                let mut mk = vec![Vec::new(); municipality_regions.len()];
                for (k, &m) in kern_municipality.iter().enumerate() {
                    if m != usize::MAX {
                        mk[m].push(k);
                    }
                }
                mk
            },
            kern_municipality,
            municipality_regions,
        }
    }

    /// The areas as data.
    pub fn data(&self) -> &AreasData {
        &self.data
    }

    /// All kernen, in file order.
    pub fn kernen(&self) -> &[Kern] {
        &self.data.kernen
    }

    /// All municipalities, in file order.
    pub fn municipalities(&self) -> &[Municipality] {
        &self.data.municipalities
    }

    /// All regions, in file order.
    pub fn regions(&self) -> &[Region] {
        &self.data.regions
    }

    /// A kern by id.
    pub fn kern(&self, id: &str) -> Option<&Kern> {
        self.kern_index.get(id).map(|&i| &self.data.kernen[i])
    }

    /// Index of a kern in [`Areas::kernen`].
    pub(crate) fn kern_index(&self, id: &str) -> Option<usize> {
        self.kern_index.get(id).copied()
    }

    /// Index of a municipality in [`Areas::municipalities`].
    pub(crate) fn municipality_index(&self, code: &str) -> Option<usize> {
        self.municipality_index.get(code).copied()
    }

    /// Index of a region in [`Areas::regions`].
    pub(crate) fn region_index(&self, id: &str) -> Option<usize> {
        self.region_index.get(id).copied()
    }

    /// The municipality index of a kern index.
    pub(crate) fn municipality_of_kern(&self, kern: usize) -> usize {
        self.kern_municipality[kern]
    }

    /// The region indexes a municipality index belongs to.
    pub(crate) fn regions_of_municipality(&self, municipality: usize) -> &[usize] {
        &self.municipality_regions[municipality]
    }

    /// A municipality by code.
    pub fn municipality(&self, code: &str) -> Option<&Municipality> {
        self.municipality_index
            .get(code)
            .map(|&i| &self.data.municipalities[i])
    }

    /// True when the area is declared (national always is).
    pub fn knows(&self, area: &AreaRef) -> bool {
        match area {
            AreaRef::National => true,
            AreaRef::Region(r) => self.region_index.contains_key(r),
            AreaRef::Municipality(m) => self.municipality_index.contains_key(m),
            AreaRef::Kern(k) => self.kern_index.contains_key(k),
        }
    }

    /// True when `area` contains the kern. Unknown areas and kernen contain nothing.
    pub fn contains(&self, area: &AreaRef, kern: &KernId) -> bool {
        self.kern_index(kern.as_str())
            .is_some_and(|k| self.contains_kern(area, k))
    }

    /// True when `area` contains the kern with index `kern`. Unknown areas contain nothing.
    pub(crate) fn contains_kern(&self, area: &AreaRef, kern: usize) -> bool {
        let m = self.kern_municipality[kern];
        match area {
            AreaRef::National => true,
            AreaRef::Kern(k) => self.kern_index.get(k) == Some(&kern),
            AreaRef::Municipality(c) => self.municipality_index.get(c) == Some(&m),
            AreaRef::Region(r) => match self.region_index.get(r) {
                Some(ri) => m != usize::MAX && self.municipality_regions[m].contains(ri),
                None => false,
            },
        }
    }

    /// The kern indexes inside an area.
    pub(crate) fn kernen_in(&self, area: &AreaRef) -> BTreeSet<usize> {
        match area {
            AreaRef::National => (0..self.data.kernen.len()).collect(),
            AreaRef::Kern(k) => self.kern_index.get(k).copied().into_iter().collect(),
            AreaRef::Municipality(m) => self
                .municipality_index
                .get(m)
                .map(|&mi| self.municipality_kernen[mi].iter().copied().collect())
                .unwrap_or_default(),
            AreaRef::Region(r) => match self.region_index.get(r) {
                Some(&ri) => self.data.regions[ri]
                    .municipalities
                    .iter()
                    .filter_map(|m| self.municipality_index.get(m))
                    .flat_map(|&mi| self.municipality_kernen[mi].iter().copied())
                    .collect(),
                None => BTreeSet::new(),
            },
        }
    }

    /// True when every kern of `inner` lies in `outer` (an area without kernen is inside any area
    /// that contains it by definition: a municipality inside its regions, and so on).
    pub fn area_within(&self, inner: &AreaRef, outer: &AreaRef) -> bool {
        match (inner, outer) {
            (_, AreaRef::National) => true,
            (AreaRef::National, _) => false,
            (a, b) if a == b => true,
            (AreaRef::Kern(k), _) => self
                .kern_index(k.as_str())
                .is_some_and(|ki| self.contains_kern(outer, ki)),
            (AreaRef::Municipality(m), AreaRef::Region(r)) => match (
                self.municipality_index(m.as_str()),
                self.region_index(r.as_str()),
            ) {
                (Some(mi), Some(ri)) => self.municipality_regions[mi].contains(&ri),
                _ => false,
            },
            (AreaRef::Region(r), AreaRef::Region(_) | AreaRef::Municipality(_)) => {
                // A region is within another area when all its municipalities are.
                match self.region_index(r.as_str()) {
                    Some(ri) => self.data.regions[ri]
                        .municipalities
                        .iter()
                        .all(|m| self.area_within(&AreaRef::Municipality(m.clone()), outer)),
                    None => false,
                }
            }
            _ => false,
        }
    }

    /// True when every area of `inner` lies within the areas of `outer` taken together: within
    /// one of them, or with each of its kernen in one of them.
    pub fn areas_within(&self, inner: &[AreaRef], outer: &[AreaRef]) -> bool {
        inner.iter().all(|a| {
            outer.iter().any(|b| self.area_within(a, b)) || {
                let kernen = self.kernen_in(a);
                !kernen.is_empty()
                    && kernen
                        .iter()
                        .all(|&k| outer.iter().any(|b| self.contains_kern(b, k)))
            }
        })
    }

    /// True when some kern lies in an area of `a` and in an area of `b`.
    pub fn areas_overlap(&self, a: &[AreaRef], b: &[AreaRef]) -> bool {
        a.iter().any(|x| b.iter().any(|y| self.overlap(x, y)))
    }

    /// True when one of `areas` contains the kern with index `kern`.
    pub(crate) fn any_contains_kern(&self, areas: &[AreaRef], kern: usize) -> bool {
        areas.iter().any(|a| self.contains_kern(a, kern))
    }

    /// True when some kern lies in both areas.
    pub fn overlap(&self, a: &AreaRef, b: &AreaRef) -> bool {
        if self.area_within(a, b) || self.area_within(b, a) {
            return true;
        }
        let ka = self.kernen_in(a);
        self.kernen_in(b).iter().any(|k| ka.contains(k))
    }

    /// Kernen per municipality, for reports.
    pub fn kernen_by_municipality(&self) -> BTreeMap<&MunicipalityCode, Vec<&Kern>> {
        let mut out: BTreeMap<&MunicipalityCode, Vec<&Kern>> = BTreeMap::new();
        for k in &self.data.kernen {
            out.entry(&k.municipality).or_default().push(k);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layer_wire_names() {
        crate::ids::assert_wire_names!(Layer);
    }

    fn sample() -> Areas {
        let data: AreasData = toml::from_str(
            r#"
            [[municipality]]
            code = "GM0394"
            name = "Haarlemmermeer"
            [[municipality]]
            code = "GM0392"
            name = "Haarlem"
            [[kern]]
            id = "hoofddorp"
            name = "Hoofddorp"
            municipality = "GM0394"
            [[kern]]
            id = "haarlem"
            name = "Haarlem"
            municipality = "GM0392"
            [[region]]
            id = "kennemerland"
            name = "Zuid-Kennemerland"
            municipalities = ["GM0392", "GM0394"]
            "#,
        )
        .unwrap();
        let mut r = ValidationReport::default();
        let a = Areas::build(data, &|_, _| None, &mut r);
        assert!(r.problems.is_empty(), "{r}");
        a
    }

    #[test]
    fn containment() {
        let a = sample();
        let hfd = a.kern_index("hoofddorp").unwrap();
        assert!(a.contains_kern(&"GM0394".parse().unwrap(), hfd));
        assert!(!a.contains_kern(&"GM0392".parse().unwrap(), hfd));
        assert!(a.contains_kern(&"region:kennemerland".parse().unwrap(), hfd));
        assert!(a.contains_kern(&AreaRef::National, hfd));
        assert!(a.area_within(
            &"kern:hoofddorp".parse().unwrap(),
            &"GM0394".parse().unwrap()
        ));
        assert!(a.area_within(
            &"GM0394".parse().unwrap(),
            &"region:kennemerland".parse().unwrap()
        ));
        assert!(!a.area_within(
            &"region:kennemerland".parse().unwrap(),
            &"GM0394".parse().unwrap()
        ));
    }

    #[test]
    fn area_text_round_trips() {
        for s in [
            "national",
            "region:kennemerland",
            "GM0394",
            "kern:hoofddorp",
        ] {
            let a: AreaRef = s.parse().unwrap();
            assert_eq!(a.to_string(), s);
        }
        assert!("hoofddorp".parse::<AreaRef>().is_err());
    }
}
