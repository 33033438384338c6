//! The XES reader (IEEE 1849, what ProM, Disco, Celonis and pm4py export), streamed with
//! quick-xml: one [`EventFields`] row per `<event>`, never the whole log in memory.
//!
//! Attributes are read as the columns of a pm4py data frame: an attribute `K` of a `<trace>` is
//! the column `case:K` (so the trace's `concept:name` is `case:concept:name`, the case id), an
//! attribute `K` of an `<event>` is the column `K`; an event inherits its trace's attributes.
//! The [`LogMapping`] then names the fields as for CSV ([`LogMapping::pm4py`] reads the XES
//! standard extensions: `concept:name`, `time:timestamp`, `org:resource`). Attribute values are
//! taken as text, whatever their type (`string`, `date`, `int`, …); nested attributes, lists,
//! globals and classifiers are not read. The row number of an event is its position in the file
//! (1-based), the number a rejection or warning names.

use std::io::{BufRead, BufReader, Read};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::mapping::Field;
use super::{EventFields, EventLogBuilder, Ingested, LogMapping, Timestamp};
use crate::evaluation::error::EvalError;
use crate::hash::FxMap;

/// Values of one row: by [`Field`], and of the mapping's extra dimensions.
#[derive(Clone, Default)]
struct Values {
    fields: [Option<String>; 14],
    dims: Vec<Option<String>>,
}

impl Values {
    fn new(dims: usize) -> Values {
        Values {
            fields: Default::default(),
            dims: vec![None; dims],
        }
    }
}

/// Reads an XES event log with the XES conventions ([`LogMapping::pm4py`]).
pub fn ingest_xes<R: Read>(reader: R) -> Result<Ingested, EvalError> {
    ingest_xes_mapped(reader, &LogMapping::pm4py())
}

/// Reads an XES event log through `mapping`. Attributes are read as the columns of a pm4py
/// data frame: an attribute `K` of a `<trace>` is the column `case:K` (the trace's
/// `concept:name` is `case:concept:name`, the case id), an attribute `K` of an `<event>` is the
/// column `K`; an event inherits its trace's attributes; values are read as text whatever their
/// XES type; nested attributes, lists, globals and classifiers are not read. The row number of
/// an event is its position in the file (1-based). Fails when the file is not well-formed XML (with the byte position), or
/// when no event has a case id, a timestamp or an activity under the mapping's names (listing
/// the attribute names found).
pub fn ingest_xes_mapped<R: Read>(reader: R, mapping: &LogMapping) -> Result<Ingested, EvalError> {
    let mut xml = Reader::from_reader(BufReader::with_capacity(1 << 20, reader));
    xml.config_mut().trim_text(true);
    let mut b = EventLogBuilder::with_mapping(mapping);
    let mut st = State {
        mapping,
        fields: FxMap::default(),
        found: Vec::new(),
        ignored: Vec::new(),
        seen: [false; 14],
        dims_seen: vec![false; mapping.dimensions.len()],
    };
    let n_dims = mapping.dimensions.len();
    let mut buf = Vec::new();
    let mut trace = Values::new(n_dims);
    let mut event = Values::new(n_dims);
    let mut in_trace = false;
    let mut in_event = false;
    // Depth of open attribute elements (their children are nested attributes: not read).
    let mut nested = 0usize;
    let mut row = 0u64;
    loop {
        let ev = xml.read_event_into(&mut buf).map_err(|_| malformed(&xml))?;
        match ev {
            Event::Start(e) => match e.local_name().as_ref() {
                _ if nested > 0 => nested += 1,
                b"log" => {}
                b"trace" => {
                    in_trace = true;
                    trace = Values::new(n_dims);
                }
                b"event" => {
                    in_event = true;
                    event = trace.clone();
                }
                _ => {
                    attribute(
                        &e, &xml, in_trace, in_event, &mut trace, &mut event, &mut st,
                    )?;
                    nested = 1;
                }
            },
            Event::Empty(e) => match e.local_name().as_ref() {
                _ if nested > 0 => {}
                b"event" => {
                    // An event with no attributes: a row of the trace's values only.
                    row += 1;
                    push(&mut b, row, &trace);
                }
                b"trace" => {}
                _ => attribute(
                    &e, &xml, in_trace, in_event, &mut trace, &mut event, &mut st,
                )?,
            },
            Event::End(e) => match e.local_name().as_ref() {
                _ if nested > 0 => nested -= 1,
                b"event" => {
                    in_event = false;
                    row += 1;
                    push(&mut b, row, &event);
                }
                b"trace" => in_trace = false,
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    for f in [Field::CaseId, Field::Timestamp, Field::Activity] {
        if row > 0 && !st.seen[f as usize] {
            return Err(EvalError::ColumnNotFound {
                field: f.name(),
                wanted: mapping.wanted(f),
                found: st.found,
            });
        }
    }
    for (k, seen) in st.dims_seen.iter().enumerate() {
        if row > 0 && !seen {
            return Err(EvalError::ColumnNotFound {
                field: "dimension",
                wanted: mapping.dimensions[k].trim().to_string(),
                found: st.found,
            });
        }
    }
    b.ignore_columns(&st.ignored);
    Ok(b.finish())
}

/// What the reader learns about attribute names as it goes.
struct State<'m> {
    mapping: &'m LogMapping,
    /// Column name → field (`None`: no field reads it) and extra dimension.
    fields: FxMap<Vec<u8>, (Option<Field>, Option<usize>)>,
    /// Every column name met, in order.
    found: Vec<String>,
    /// Column names no field reads, in order.
    ignored: Vec<String>,
    /// Fields some attribute named.
    seen: [bool; 14],
    /// Extra dimensions some attribute named.
    dims_seen: Vec<bool>,
}

fn malformed<R: BufRead>(xml: &Reader<R>) -> EvalError {
    EvalError::Malformed {
        format: "XES",
        problem: format!("not well-formed XML at byte {}", xml.error_position()),
    }
}

/// Reads one attribute element of a trace or an event into the row values.
fn attribute<R: BufRead>(
    e: &BytesStart<'_>,
    xml: &Reader<R>,
    in_trace: bool,
    in_event: bool,
    trace: &mut Values,
    event: &mut Values,
    st: &mut State<'_>,
) -> Result<(), EvalError> {
    if !in_trace && !in_event {
        return Ok(()); // a log-level attribute, extension, global or classifier
    }
    let mut key = None;
    let mut value = None;
    for a in e.attributes() {
        let a = a.map_err(|_| malformed(xml))?;
        match a.key.local_name().as_ref() {
            b"key" => {
                key = Some(
                    a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map_err(|_| malformed(xml))?
                        .into_owned(),
                )
            }
            b"value" => {
                value = Some(
                    a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map_err(|_| malformed(xml))?
                        .into_owned(),
                )
            }
            _ => {}
        }
    }
    let (Some(key), Some(value)) = (key, value) else {
        return Ok(());
    };
    let column = if in_event {
        key.into_bytes()
    } else {
        [b"case:".as_slice(), key.as_bytes()].concat()
    };
    let (field, dim) = match st.fields.get(&column) {
        Some(&f) => f,
        None => {
            let name = String::from_utf8_lossy(&column).into_owned();
            let f = st.mapping.field_of(&name);
            let d = st.mapping.dimension_of(&name);
            st.found.push(name.clone());
            if f.is_none() && d.is_none() {
                st.ignored.push(name);
            }
            st.fields.insert(column, (f, d));
            (f, d)
        }
    };
    let slot = if in_event { event } else { trace };
    if let Some(d) = dim {
        st.dims_seen[d] = true;
        slot.dims[d] = Some(value.clone());
    }
    if let Some(f) = field {
        st.seen[f as usize] = true;
        slot.fields[f as usize] = Some(value);
    }
    Ok(())
}

fn push(b: &mut EventLogBuilder, row: u64, v: &Values) {
    let f = |x: Field| v.fields[x as usize].as_deref();
    let extra: Vec<Option<&str>> = v.dims.iter().map(|d| d.as_deref()).collect();
    let signals = f(Field::Signals);
    b.push(
        row,
        EventFields {
            case_id: f(Field::CaseId),
            timestamp: f(Field::Timestamp).map(Timestamp::Text),
            activity: f(Field::Activity),
            organisation: f(Field::Organisation),
            service: f(Field::Service),
            kern: f(Field::Kern),
            need: f(Field::Need),
            reason: f(Field::Reason),
            municipality: f(Field::Municipality),
            region: f(Field::Region),
            domain: f(Field::Domain),
            phase: f(Field::Phase),
            framework: f(Field::Framework),
            signals: signals.as_slice(),
            extra: &extra,
        },
    );
}
