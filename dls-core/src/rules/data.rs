//! Rule sets as files hold them: rules, targets, switch-offs, the steunpilaar and coordinator
//! entries and the capacity setting; parsing one file and merging several.

use std::fmt;
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::areas::{AreaRef, Layer};
use crate::conditions::Conditions;
use crate::directory::Origins;
use crate::ids::{IdError, RuleId, ServiceId};
use crate::source::{self, Format, ParseError};
use crate::taxonomy::NeedMatcher;
use crate::validity::Validity;

/// Where a rule sends a need. Written as text: `service:<id>`, `steunpilaar`,
/// `escalation:<id>` or `not_covered`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Target {
    /// A provider (or coordinator) service.
    Service(ServiceId),
    /// The local steunpilaar the rule set names for the case's area.
    Steunpilaar,
    /// An escalation body (a service with role `escalation`).
    Escalation(ServiceId),
    /// Nobody covers this need here, on purpose: a deliberate gap.
    NotCovered,
}

impl FromStr for Target {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        match s {
            "steunpilaar" => Ok(Target::Steunpilaar),
            "not_covered" => Ok(Target::NotCovered),
            _ => {
                if let Some(id) = s.strip_prefix("service:") {
                    Ok(Target::Service(id.parse()?))
                } else if let Some(id) = s.strip_prefix("escalation:") {
                    Ok(Target::Escalation(id.parse()?))
                } else {
                    Err(IdError {
                        kind: "target",
                        reason: "must be `service:<id>`, `steunpilaar`, `escalation:<id>` or `not_covered`",
                    })
                }
            }
        }
    }
}

impl TryFrom<String> for Target {
    type Error = IdError;
    fn try_from(s: String) -> Result<Self, IdError> {
        s.parse()
    }
}

impl From<Target> for String {
    fn from(t: Target) -> String {
        t.to_string()
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Service(s) => write!(f, "service:{s}"),
            Target::Steunpilaar => f.write_str("steunpilaar"),
            Target::Escalation(s) => write!(f, "escalation:{s}"),
            Target::NotCovered => f.write_str("not_covered"),
        }
    }
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Target({self})")
    }
}

impl JsonSchema for Target {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Target".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^(steunpilaar|not_covered|(service|escalation):[A-Za-z0-9][A-Za-z0-9_.:-]{0,63})$"
        })
    }
}

/// How capacity counts when routing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CapacityPolicy {
    /// Capacity does not affect routing.
    #[default]
    Ignore,
    /// A service with no open places is skipped.
    SkipFull,
    /// A full service is skipped, and among candidates of equal layer and priority the shorter
    /// waiting time goes first. A candidate that states no waiting time (a service without
    /// one, the steunpilaar, `not_covered`) goes after those that state one; ties keep the
    /// rule-id order.
    PreferShorterWait,
}

/// One routing rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = area_or_areas)]
pub struct Rule {
    /// Unique id across all layers.
    pub id: RuleId,
    /// The needs the rule covers (codes or subtrees).
    pub needs: Vec<NeedMatcher>,
    /// The areas the rule applies in, all of one layer, which is the rule's layer. Files write
    /// `areas = ["kern:a", "kern:b"]`, or `area = "GM0394"` for one area.
    #[serde(alias = "area", deserialize_with = "one_or_many")]
    #[schemars(with = "Vec<AreaRef>")]
    pub areas: Vec<AreaRef>,
    /// Conditions on the case (none: every case).
    #[serde(default, skip_serializing_if = "Conditions::is_empty")]
    pub when: Conditions,
    /// Where the need goes.
    pub target: Target,
    /// Higher goes first within a layer.
    #[serde(default)]
    pub priority: i32,
    /// When the rule is valid.
    #[serde(default, skip_serializing_if = "is_always")]
    pub valid: Validity,
    /// Less specific rules this rule replaces inside its own area while it is valid.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replaces: Vec<RuleId>,
}

fn is_always(v: &Validity) -> bool {
    *v == Validity::ALWAYS
}

impl Rule {
    /// The rule's layer, from its first area (validation checks that all areas share it; a rule
    /// without areas is national).
    pub fn layer(&self) -> Layer {
        self.areas.first().map_or(Layer::National, AreaRef::layer)
    }
}

/// One area written as text, or a list of them.
fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<AreaRef>, D::Error> {
    // read the value first (not an untagged enum, which would hide why an area is bad)
    let value = serde_json::Value::deserialize(d)?;
    match value {
        serde_json::Value::Array(items) => items
            .into_iter()
            .map(|v| AreaRef::deserialize(v).map_err(serde::de::Error::custom))
            .collect(),
        other => AreaRef::deserialize(other)
            .map(|a| vec![a])
            .map_err(serde::de::Error::custom),
    }
}

/// The rule schema accepts `area` (one) as well as `areas` (a list), one of them required.
fn area_or_areas(schema: &mut schemars::Schema) {
    if let Some(props) = schema.get_mut("properties").and_then(|p| p.as_object_mut()) {
        props.insert(
            "area".into(),
            serde_json::json!({
                "description": "One area the rule applies in (the same as `areas` with one item).",
                "$ref": "#/$defs/AreaRef"
            }),
        );
    }
    if let Some(req) = schema.get_mut("required").and_then(|r| r.as_array_mut()) {
        req.retain(|f| f != "areas");
    }
    schema.insert(
        "oneOf".into(),
        serde_json::json!([{ "required": ["areas"] }, { "required": ["area"] }]),
    );
}

/// Switches less specific rules off inside an area, without a replacement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SwitchOff {
    /// Unique id (shares the namespace of rule ids).
    pub id: RuleId,
    /// The rules switched off.
    pub rules: Vec<RuleId>,
    /// Where they are switched off.
    pub area: AreaRef,
    /// When.
    #[serde(default, skip_serializing_if = "is_always")]
    pub valid: Validity,
}

/// A service named for an area: the steunpilaar front door or the coordinating role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AreaService {
    /// The area.
    pub area: AreaRef,
    /// The service.
    pub service: ServiceId,
}

/// A rule set as files hold it. Several files (one per layer, typically) merge into one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleSetData {
    /// How capacity counts; files that set it must agree.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<CapacityPolicy>,
    /// The steunpilaar front door per area (the most specific area containing a kern wins).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steunpilaar: Vec<AreaService>,
    /// The coordinating role per area (e.g. the sociaal wijkteam).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub coordinator: Vec<AreaService>,
    /// Rules.
    #[serde(default, rename = "rule", skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<Rule>,
    /// Switch-offs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub switch_off: Vec<SwitchOff>,
    /// Areas where services do not route by their own coverage (see the `own` part of the
    /// module docs): only explicit rules route there.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub coverage_off: Vec<AreaRef>,
    /// Strict validation: two rules that overlap at equal priority and send a need to different
    /// places are an error instead of a warning (routing breaks such ties by rule id). One
    /// file that asks for it makes the merged rule set strict.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub strict: bool,
    /// Where each item (and each file's `capacity` setting) came from.
    #[serde(skip)]
    #[schemars(skip)]
    pub origins: Origins,
}

impl RuleSetData {
    /// Parses one file's text; `file` names it in errors.
    pub fn parse(text: &str, format: Format, file: &str) -> Result<RuleSetData, ParseError> {
        let mut d: RuleSetData = source::parse(text, format, file)?;
        let f: Arc<str> = file.into();
        for r in &d.rules {
            d.origins.record("rule", r.id.as_str(), &f);
        }
        for s in &d.switch_off {
            d.origins.record("switch_off", s.id.as_str(), &f);
        }
        for s in &d.steunpilaar {
            d.origins.record("steunpilaar", &s.area.to_string(), &f);
        }
        for s in &d.coordinator {
            d.origins.record("coordinator", &s.area.to_string(), &f);
        }
        if let Some(c) = d.capacity {
            d.origins.record("capacity", policy_name(c), &f);
        }
        Ok(d)
    }

    /// Reads one file (`.toml` or `.json`).
    pub fn from_file(path: &Path) -> Result<RuleSetData, ParseError> {
        let (text, format, name) = source::read_file(path)?;
        Self::parse(&text, format, &name)
    }

    /// Appends another file's content.
    pub fn merge(&mut self, other: RuleSetData) {
        if self.capacity.is_none() {
            self.capacity = other.capacity;
        }
        self.strict |= other.strict;
        self.steunpilaar.extend(other.steunpilaar);
        self.coordinator.extend(other.coordinator);
        self.rules.extend(other.rules);
        self.switch_off.extend(other.switch_off);
        self.coverage_off.extend(other.coverage_off);
        // keep the first file an item was seen in
        for ((kind, id), file) in other.origins.entries() {
            self.origins.record(&kind, &id, &file);
        }
    }
}

pub(crate) fn policy_name(c: CapacityPolicy) -> &'static str {
    match c {
        CapacityPolicy::Ignore => "ignore",
        CapacityPolicy::SkipFull => "skip_full",
        CapacityPolicy::PreferShorterWait => "prefer_shorter_wait",
    }
}
