//! The share state itself: what was analysed, how, and what came out — and its checks.
//!
//! These types are the **current** schema (version [`super::VERSION`]). Their JSON form
//! is the link's content, so renaming or retyping a field changes the format: see
//! `docs/share.md` ("Versioning") before touching them.

use super::uncertainty::{StoredUncertainty, UncertaintySettings};
use super::ShareError;
use crate::examples::{gallery_entry, GalleryEntry};
use crate::table::JointTable;
use serde::{Deserialize, Serialize};

/// Longest state label, in characters.
pub const MAX_LABEL_CHARS: usize = 200;
/// Longest title, in characters.
pub const MAX_TITLE_CHARS: usize = 200;
/// Longest note, in characters.
pub const MAX_NOTE_CHARS: usize = 4000;
/// Longest file, column or example name, in characters.
pub const MAX_NAME_CHARS: usize = 255;
/// Most columns in one role list (X1 columns, X2 columns, Ŷ columns).
pub const MAX_COLUMNS: usize = 4096;
/// Most file names.
pub const MAX_FILES: usize = 16;

/// Everything a share link or analysis file carries: the analysed distribution, the
/// settings that produced it and the results shown. Raw data rows are never part of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShareState {
    /// What was analysed.
    pub source: Source,
    /// How it was analysed (every field optional).
    #[serde(default, skip_serializing_if = "Settings::is_empty")]
    pub settings: Settings,
    /// A short title chosen by the person sharing (plain text, never HTML).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// A free-text note (plain text, never HTML).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The PID of Y from X1, X2 as shown when the link was made, in bits.
    pub results: PidResults,
    /// The PID of a model's prediction Ŷ, when the analysis had a Ŷ column, in bits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<PidResults>,
}

/// What was analysed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Source {
    /// A discrete count table (after discretisation), counts as given: enough to
    /// recompute the exact PID.
    Table(CountTable),
    /// A built-in gallery example, by name (see [`crate::examples::GALLERY`]).
    Example {
        /// The example's short name, e.g. `XOR`.
        name: String,
    },
    /// A table edited by hand in learn mode.
    EditedTable {
        /// The gallery example the edit started from, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        base_example: Option<String>,
        /// The table as edited.
        table: CountTable,
    },
}

/// A joint count table of (X1, X2, Y) with the labels of every state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountTable {
    /// `[n1, n2, ny]`: the number of states of X1, X2 and Y.
    pub shape: [usize; 3],
    /// The state labels of X1, X2 and Y, in that order.
    pub labels: [Vec<String>; 3],
    /// The weights (counts, or probabilities) row-major: cell (x1, x2, y) at
    /// `(x1 * n2 + x2) * ny + y`, as in [`JointTable`].
    #[serde(with = "weights")]
    pub weights: Vec<f64>,
}

/// How the analysis was run. Every field is optional: a gallery example has no files
/// or roles, a CVX run has no seed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// The estimator used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub estimator: Option<Estimator>,
    /// k-means clusters per modality, `[X1, X2]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clusters: Option<[u32; 2]>,
    /// PCA components kept per modality before clustering.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pca_components: Option<u32>,
    /// Random seed (k-means initialisation, BATCH training).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Units the numbers were displayed in (stored results are always bits).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub units: Option<Units>,
    /// Which columns played which role.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub roles: Option<ShareRoles>,
    /// Names of the analysed files (names only; never paths or contents).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<String>,
    /// How the stored uncertainty was estimated (version 2 on).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uncertainty: Option<UncertaintySettings>,
    /// How numeric features were prepared before PCA, when not pidscope's default
    /// (version 3 on; absent: each feature standardised).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub normalisation: Option<crate::meta::Normalisation>,
    /// k-means runs per modality, the best kept, when more than one (version 3 on).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restarts: Option<u32>,
}

impl Settings {
    /// True when no setting is recorded (then the field is left out of the link).
    pub fn is_empty(&self) -> bool {
        *self == Settings::default()
    }
}

// The estimator and the units are defined once, with the other shared names.
pub use crate::meta::{Estimator, Units};

/// The role of each column of the analysed data.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShareRoles {
    /// Columns forming modality X1.
    pub x1: Vec<String>,
    /// Columns forming modality X2.
    pub x2: Vec<String>,
    /// The label column Y.
    pub y: String,
    /// Columns of a model's prediction Ŷ, if any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub yhat: Vec<String>,
    /// A per-row weight column, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<String>,
}

/// One PID with the classical terms it decomposes, all in bits. Deliberately not
/// `pid::Decomposition` flattened: this is the link's strict, versioned wire format
/// (serde cannot combine `flatten` with `deny_unknown_fields`), and a change to the
/// core's types must never change what links carry without a new format version.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PidResults {
    /// Redundancy R.
    pub redundancy: f64,
    /// Information only X1 has, U1.
    pub unique1: f64,
    /// Information only X2 has, U2.
    pub unique2: f64,
    /// Synergy S.
    pub synergy: f64,
    /// I(X1;Y).
    pub mi_x1_y: f64,
    /// I(X2;Y).
    pub mi_x2_y: f64,
    /// I(X1,X2;Y).
    pub mi_joint: f64,
    /// The solver's accuracy certificate (primal–dual gap) in bits; `None` for
    /// estimators without one (BATCH).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_bits: Option<f64>,
    /// Bias-corrected values, intervals and p-values, when they were estimated
    /// (version 2 on; rounded to [`super::STORED_RESOLUTION_BITS`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uncertainty: Option<StoredUncertainty>,
}

impl PidResults {
    /// The seven numbers with their field names, in the order of [`crate::pid::TERMS`].
    pub fn named_values(&self) -> [(&'static str, f64); 7] {
        let d = crate::pid::Decomposition {
            redundancy: self.redundancy,
            unique1: self.unique1,
            unique2: self.unique2,
            synergy: self.synergy,
            mi_x1_y: self.mi_x1_y,
            mi_x2_y: self.mi_x2_y,
            mi_joint: self.mi_joint,
        };
        let values = d.values();
        std::array::from_fn(|i| (crate::pid::TERMS[i].key, values[i]))
    }

    fn validate(&self, field: &str) -> Result<(), ShareError> {
        let values = self.named_values();
        let certificate = self.certificate_bits.map(|c| ("certificate_bits", c));
        match values
            .into_iter()
            .chain(certificate)
            .find(|(_, v)| !v.is_finite())
        {
            Some((name, value)) => Err(ShareError::NotFiniteResult {
                field: format!("{field}.{name}"),
                value,
            }),
            None => self
                .uncertainty
                .as_ref()
                .map_or(Ok(()), |u| u.validate(&format!("{field}.uncertainty"))),
        }
    }
}

impl CountTable {
    /// Builds the normalised [`JointTable`] with its labels, checking shape, weights
    /// and label counts.
    pub fn to_joint_table(&self) -> Result<JointTable, ShareError> {
        let table = JointTable::from_weights(self.shape, self.weights.clone())?;
        Ok(table.with_labels(self.labels.clone())?)
    }

    fn validate(&self, field: &str) -> Result<(), ShareError> {
        self.to_joint_table()?;
        for (axis, labels) in ["x1", "x2", "y"].iter().zip(&self.labels) {
            for (i, label) in labels.iter().enumerate() {
                check_len(
                    &format!("{field}.labels.{axis}[{i}]"),
                    label,
                    MAX_LABEL_CHARS,
                )?;
            }
        }
        Ok(())
    }
}

impl ShareState {
    /// A state for a count table with default settings and no title.
    pub fn for_table(table: CountTable, results: PidResults) -> Self {
        ShareState {
            source: Source::Table(table),
            settings: Settings::default(),
            title: None,
            note: None,
            results,
            model: None,
        }
    }

    /// The distribution to recompute the analysis from: the count table for
    /// [`Source::Table`] and [`Source::EditedTable`], the gallery example's table for
    /// [`Source::Example`].
    pub fn table(&self) -> Result<JointTable, ShareError> {
        match &self.source {
            Source::Table(table) | Source::EditedTable { table, .. } => table.to_joint_table(),
            Source::Example { name } => Ok(example(name)?.table()),
        }
    }

    /// Checks everything decoding checks: the table builds (shape, weights, labels),
    /// example names exist, text and lists are within their caps, settings are sane and
    /// stored results are finite. [`super::decode_link`] and [`super::decode_file`]
    /// return only states that pass.
    pub fn validate(&self) -> Result<(), ShareError> {
        match &self.source {
            Source::Table(table) => table.validate("source.table")?,
            Source::Example { name } => {
                example(name)?;
            }
            Source::EditedTable {
                base_example,
                table,
            } => {
                if let Some(name) = base_example {
                    example(name)?;
                }
                table.validate("source.edited_table.table")?;
            }
        }
        check_optional_len("title", &self.title, MAX_TITLE_CHARS)?;
        check_optional_len("note", &self.note, MAX_NOTE_CHARS)?;
        self.settings.validate()?;
        self.results.validate("results")?;
        if let Some(model) = &self.model {
            model.validate("model")?;
        }
        Ok(())
    }
}

impl Settings {
    fn validate(&self) -> Result<(), ShareError> {
        let positive = |field: &str, value: u32| {
            if value == 0 {
                Err(ShareError::InvalidSetting {
                    field: field.to_string(),
                    reason: "must be at least 1".to_string(),
                })
            } else {
                Ok(())
            }
        };
        if let Some([k1, k2]) = self.clusters {
            positive("settings.clusters[0]", k1)?;
            positive("settings.clusters[1]", k2)?;
        }
        if let Some(restarts) = self.restarts {
            positive("settings.restarts", restarts)?;
        }
        if let Some(pca) = self.pca_components {
            positive("settings.pca_components", pca)?;
        }
        check_names("settings.files", &self.files, MAX_FILES)?;
        if let Some(roles) = &self.roles {
            check_names("settings.roles.x1", &roles.x1, MAX_COLUMNS)?;
            check_names("settings.roles.x2", &roles.x2, MAX_COLUMNS)?;
            check_names("settings.roles.yhat", &roles.yhat, MAX_COLUMNS)?;
            check_len("settings.roles.y", &roles.y, MAX_NAME_CHARS)?;
            check_optional_len("settings.roles.weight", &roles.weight, MAX_NAME_CHARS)?;
        }
        Ok(())
    }
}

/// The gallery example called `name`.
fn example(name: &str) -> Result<&'static GalleryEntry, ShareError> {
    gallery_entry(name).ok_or_else(|| ShareError::UnknownExample {
        name: shorten(name),
    })
}

/// The first 40 characters of untrusted `text`, for quoting it in an error message.
pub(super) fn shorten(text: &str) -> String {
    const SHOWN: usize = 40;
    if text.chars().count() <= SHOWN {
        text.to_string()
    } else {
        text.chars().take(SHOWN).chain(['…']).collect()
    }
}

/// Whether `c` could disguise shared text: a control character (other than line break
/// and tab) or a bidirectional override or isolate (U+202A–U+202E, U+2066–U+2069),
/// which reorder what is shown (`abc\u{202E}fdp.exe` reads `abcexe.pdf`).
fn disguises(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || ('\u{202A}'..='\u{202E}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// Checks a shared text: at most `max` characters, none that could disguise it.
fn check_len(field: &str, text: &str, max: usize) -> Result<(), ShareError> {
    if let Some(c) = text.chars().find(|&c| disguises(c)) {
        return Err(ShareError::HiddenCharacter {
            field: field.to_string(),
            code: format!("U+{:04X}", u32::from(c)),
        });
    }
    let got = text.chars().count();
    if got > max {
        return Err(ShareError::TooLong {
            field: field.to_string(),
            max,
            got,
        });
    }
    Ok(())
}

fn check_optional_len(field: &str, text: &Option<String>, max: usize) -> Result<(), ShareError> {
    text.as_deref().map_or(Ok(()), |t| check_len(field, t, max))
}

fn check_names(field: &str, names: &[String], max_count: usize) -> Result<(), ShareError> {
    if names.len() > max_count {
        return Err(ShareError::TooMany {
            field: field.to_string(),
            max: max_count,
            got: names.len(),
        });
    }
    names
        .iter()
        .enumerate()
        .try_for_each(|(i, name)| check_len(&format!("{field}[{i}]"), name, MAX_NAME_CHARS))
}

/// Weights as JSON: finite values as numbers (integral ones without a fraction, so
/// counts stay short: `3`, not `3.0`), non-finite ones as the strings `"NaN"`,
/// `"inf"`, `"-inf"` so that they survive the trip and are refused with a clear
/// message by validation instead of turning into `null`.
mod weights {
    use serde::de::{self, SeqAccess, Visitor};
    use serde::{Deserializer, Serialize, Serializer};
    use std::fmt;

    /// Integers up to 2^53 are exact in an f64.
    const EXACT_INT: f64 = 9_007_199_254_740_992.0;

    struct Weight(f64);

    impl Serialize for Weight {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let w = self.0;
            if w.is_nan() {
                s.serialize_str("NaN")
            } else if w.is_infinite() {
                s.serialize_str(if w > 0.0 { "inf" } else { "-inf" })
            } else if w.fract() == 0.0 && w.abs() < EXACT_INT {
                // In range and integral: the conversion is exact.
                if w >= 0.0 {
                    s.serialize_u64(w as u64)
                } else {
                    s.serialize_i64(w as i64)
                }
            } else {
                s.serialize_f64(w)
            }
        }
    }

    pub fn serialize<S: Serializer>(weights: &[f64], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(weights.iter().map(|&w| Weight(w)))
    }

    struct WeightVisitor;

    impl Visitor<'_> for WeightVisitor {
        type Value = f64;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a number, \"NaN\", \"inf\" or \"-inf\"")
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<f64, E> {
            Ok(v)
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<f64, E> {
            Ok(v as f64)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<f64, E> {
            Ok(v as f64)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<f64, E> {
            match v {
                "NaN" => Ok(f64::NAN),
                "inf" => Ok(f64::INFINITY),
                "-inf" => Ok(f64::NEG_INFINITY),
                _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
            }
        }
    }

    struct SeqVisitor;

    impl<'de> Visitor<'de> for SeqVisitor {
        type Value = Vec<f64>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an array of weights")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<f64>, A::Error> {
            // The input is capped in size, so its own length bounds this allocation.
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 16));
            while let Some(w) = seq.next_element_seed(WeightSeed)? {
                out.push(w);
            }
            Ok(out)
        }
    }

    struct WeightSeed;

    impl<'de> de::DeserializeSeed<'de> for WeightSeed {
        type Value = f64;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<f64, D::Error> {
            d.deserialize_any(WeightVisitor)
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f64>, D::Error> {
        d.deserialize_seq(SeqVisitor)
    }
}
