//! Share links and analysis files: a versioned, compressed, checksummed and validated
//! snapshot of one analysis (the discrete count table or gallery example, the settings
//! and the results), so that anyone opening the link sees the same numbers, with no
//! server involved.
//!
//! A link is `<version>.<base64url-no-padding(deflate-raw(canonical JSON ‖ CRC-32))>`;
//! the page puts it in the URL fragment after `#s=`, which browsers never send to a
//! server. The same state can be saved as a `.pidscope.json` analysis file for links
//! too long for chat apps. `docs/share.md` describes the format, caps, versioning and
//! measured link lengths.
//!
//! Decoding is total: [`decode_link`] and [`decode_file`] return a [`ShareError`] with a
//! message fit for the page for every malformed input, and never panic.
//!
//! ```
//! use pidscope::share::{decode_link, encode_link, ShareState, Source, PidResults};
//! let state = ShareState {
//!     source: Source::Example { name: "XOR".into() },
//!     settings: Default::default(),
//!     title: Some("XOR is pure synergy".into()),
//!     note: None,
//!     results: PidResults {
//!         redundancy: 0.0, unique1: 0.0, unique2: 0.0, synergy: 1.0,
//!         mi_x1_y: 0.0, mi_x2_y: 0.0, mi_joint: 1.0, certificate_bits: Some(1e-12),
//!         uncertainty: None,
//!     },
//!     model: None,
//! };
//! let link = encode_link(&state);
//! assert!(link.starts_with("3."));
//! assert_eq!(decode_link(&format!("https://example.org/#s={link}")), Ok(state));
//! ```

mod codec;
mod compare;
mod state;
mod uncertainty;

#[cfg(test)]
mod tests;

pub use codec::{FRAGMENT_KEY, MAX_INFLATED_BYTES, MAX_LINK_BYTES};
pub use compare::{results_agree, uncertainty_mismatches, Mismatch};
pub use state::{
    CountTable, Estimator, PidResults, Settings, ShareRoles, ShareState, Source, Units,
    MAX_COLUMNS, MAX_FILES, MAX_LABEL_CHARS, MAX_NAME_CHARS, MAX_NOTE_CHARS, MAX_TITLE_CHARS,
};
pub use uncertainty::{StoredTerm, StoredUncertainty, UncertaintySettings, STORED_RESOLUTION_BITS};

use crate::table::TableError;
use codec::crc32;
use serde::Serialize;
use serde_json::Value;

/// The format version this build writes. It also reads every older version still listed
/// in its decoder table (today: versions 1, 2 and 3).
pub const VERSION: u32 = 3;

/// The `format` field of a `.pidscope.json` analysis file.
pub const FILE_FORMAT: &str = "pidscope-analysis";

/// Largest analysis file accepted, in bytes.
pub const MAX_FILE_BYTES: usize = 8 << 20;

/// Why a link or analysis file could not be read. Every message is plain text meant
/// for the person who opened the link (the page must show it as text, never as HTML).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ShareError {
    /// Nothing to decode.
    #[error("the link is empty: there is no analysis in it")]
    Empty,
    /// No `<version>.` before the data.
    #[error("this is not a pidscope link: what follows `#s=` must start with a version number and a dot (like `2.eNq…`); copy the whole link again")]
    MissingVersion,
    /// The text before the first `.` is not a version number.
    #[error("the link's version prefix {prefix:?} is not a number: expected `<version>.<data>`, e.g. `1.…`")]
    MalformedVersion {
        /// The prefix as found (shortened).
        prefix: String,
    },
    /// Made by a newer pidscope than this page.
    #[error("this {what} was made by a newer pidscope (version {version}); this page reads up to {supported}: open it with a newer pidscope")]
    FutureVersion {
        /// `link` or `analysis file`.
        what: &'static str,
        /// The link's version.
        version: u64,
        /// The newest version this build reads.
        supported: u32,
    },
    /// A version number that no pidscope ever wrote or that is no longer read.
    #[error("this {what} has version {version}, which this pidscope does not know (it reads versions {oldest} to {supported})")]
    UnknownVersion {
        /// `link` or `analysis file`.
        what: &'static str,
        /// The link's version.
        version: u64,
        /// The oldest version this build reads.
        oldest: u32,
        /// The newest version this build reads.
        supported: u32,
    },
    /// A `%` not followed by two hex digits.
    #[error("the link has a broken %-escape at character {position}: copy the link again")]
    BadPercentEncoding {
        /// 1-based character position of the `%`.
        position: usize,
    },
    /// Still percent-encoded after the allowed rounds of decoding.
    #[error("the link is still URL-encoded after decoding it {rounds} times: copy it again from the address bar")]
    OverEncoded {
        /// Rounds of percent-decoding tried.
        rounds: usize,
    },
    /// A character outside the base64url alphabet.
    #[error("the link is damaged: character {character:?} at position {position} cannot appear in a pidscope link (copy the whole link again)")]
    InvalidBase64 {
        /// 1-based character position in the link (after `#s=`).
        position: usize,
        /// The offending character.
        character: char,
    },
    /// The data ends too early.
    #[error("the link is incomplete: its data ends too early (was it cut off when it was copied or sent?)")]
    Truncated,
    /// The compressed data is not a valid deflate stream.
    #[error("the link is damaged: its compressed data is corrupt (copy the whole link again)")]
    CorruptData,
    /// Bytes follow the end of the compressed stream.
    #[error(
        "the link is damaged: {bytes} bytes follow its compressed data (copy the whole link again)"
    )]
    TrailingData {
        /// How many.
        bytes: usize,
    },
    /// Inflating would exceed [`MAX_INFLATED_BYTES`].
    #[error("the link's data would unpack to more than {limit} bytes; pidscope refuses links that large")]
    InflatedTooLarge {
        /// The cap, in bytes.
        limit: usize,
    },
    /// The link or file text itself is over its cap.
    #[error("the {what} is {got} bytes long; pidscope reads at most {max}")]
    InputTooLong {
        /// `link` or `analysis file`.
        what: &'static str,
        /// Its length in bytes.
        got: usize,
        /// The cap.
        max: usize,
    },
    /// The checksum does not match the content.
    #[error("the shared analysis is damaged: its checksum does not match its content (stored {stored:08x}, computed {computed:08x})")]
    ChecksumMismatch {
        /// The checksum carried by the link or file.
        stored: u32,
        /// The checksum of the content received.
        computed: u32,
    },
    /// The content does not have the expected structure.
    #[error("the shared analysis is malformed at `{field}`: {detail}")]
    Malformed {
        /// Path of the offending field (`.` for the whole document).
        field: String,
        /// What was wrong there.
        detail: String,
    },
    /// The count table is unusable (shape, weights, labels).
    #[error("the shared table is invalid: {0}")]
    InvalidTable(#[from] TableError),
    /// A string with a control or bidirectional-override character.
    #[error("`{field}` contains the invisible character {code}, which can disguise how text is shown; pidscope does not open such links")]
    HiddenCharacter {
        /// Path of the field.
        field: String,
        /// The character, as `U+XXXX`.
        code: String,
    },
    /// A string over its length cap.
    #[error("`{field}` is {got} characters long; at most {max} are allowed")]
    TooLong {
        /// Path of the field.
        field: String,
        /// The cap, in characters.
        max: usize,
        /// The length found.
        got: usize,
    },
    /// A list over its length cap.
    #[error("`{field}` has {got} entries; at most {max} are allowed")]
    TooMany {
        /// Path of the field.
        field: String,
        /// The cap.
        max: usize,
        /// The count found.
        got: usize,
    },
    /// A gallery example this build does not have.
    #[error("the shared analysis refers to a gallery example {name:?} that this pidscope does not have (see the learn-mode gallery)")]
    UnknownExample {
        /// The name as found (shortened).
        name: String,
    },
    /// A setting out of its range.
    #[error("setting `{field}` {reason}")]
    InvalidSetting {
        /// Path of the field.
        field: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A stored result is NaN or infinite.
    #[error("stored result `{field}` is not a finite number ({value})")]
    NotFiniteResult {
        /// Path of the field.
        field: String,
        /// The value found.
        value: f64,
    },
    /// Not a pidscope analysis file.
    #[error("this is not a pidscope analysis file: {0}")]
    NotAnalysisFile(String),
}

/// Turns one version's canonical JSON into the **latest** [`ShareState`], running the
/// migrations from that version on.
type Decoder = fn(&[u8]) -> Result<ShareState, ShareError>;

/// Every version this build reads, oldest first, with its decoder. Adding version
/// N+1 (see `docs/share.md`): freeze version N's types in its own module, make its
/// decoder migrate `vN -> vN+1`, and add `(N+1, vN+1::decode)` here.
const DECODERS: &[(u32, Decoder)] = &[(1, v1::decode), (2, v2::decode), (3, v3::decode)];

/// The fields each version added (`[parent, field]` paths): an older version's link
/// that carries one is refused naming it, as that version's `deny_unknown_fields` did.
const ADDED_IN_V2: &[[&str; 2]] = &[
    ["settings", "uncertainty"],
    ["results", "uncertainty"],
    ["model", "uncertainty"],
];
const ADDED_IN_V3: &[[&str; 2]] = &[["settings", "normalisation"], ["settings", "restarts"]];

/// Versions 2 and 3 only *added* optional fields, so an older state is the current one
/// without them: decoding it is refusing those fields, then reading it with today's
/// types. Nothing needs migrating.
fn decode_without(
    json: &[u8],
    added: &[&[[&str; 2]]],
    version: u32,
) -> Result<ShareState, ShareError> {
    // Only valid JSON reaches the check; anything else gets the current reader's message.
    if let Ok(value) = serde_json::from_slice::<Value>(json) {
        for [parent, field] in added.iter().flat_map(|a| a.iter()) {
            if value.get(parent).and_then(|p| p.get(field)).is_some() {
                return Err(ShareError::Malformed {
                    field: parent.to_string(),
                    detail: format!("unknown field `{field}` (not part of version {version})"),
                });
            }
        }
    }
    from_json::<ShareState>(json)
}

/// Version 1: version 3 without the uncertainty (added in 2) and the discretisation's
/// normalisation and restarts (added in 3).
mod v1 {
    use super::{decode_without, ShareError, ShareState, ADDED_IN_V2, ADDED_IN_V3};

    pub(super) fn decode(json: &[u8]) -> Result<ShareState, ShareError> {
        decode_without(json, &[ADDED_IN_V2, ADDED_IN_V3], 1)
    }
}

/// Version 2: version 1 plus the uncertainty (its settings, and the corrected values,
/// intervals and p-values of the results and of the model).
mod v2 {
    use super::{decode_without, ShareError, ShareState, ADDED_IN_V3};

    pub(super) fn decode(json: &[u8]) -> Result<ShareState, ShareError> {
        decode_without(json, &[ADDED_IN_V3], 2)
    }
}

/// Version 3, the current one: version 2 plus how samples were discretised when it was
/// not pidscope's default (`settings.normalisation`, `settings.restarts`: the paper's
/// preset).
mod v3 {
    use super::{from_json, ShareError, ShareState};

    /// The v3 schema. It is the current [`ShareState`] until version 4 exists; then
    /// this alias becomes a frozen copy of today's types and `decode` ends with
    /// `.map(migrate_v3_to_v4)`.
    type State = ShareState;

    pub(super) fn decode(json: &[u8]) -> Result<ShareState, ShareError> {
        from_json::<State>(json)
    }
}

/// What the error messages call a link.
const LINK: &str = "link";
/// What the error messages call an analysis file.
const FILE: &str = "analysis file";

/// The decoder for `version` of a link or file (`what`), or the error that says why
/// there is none.
fn decoder(version: u64, what: &'static str) -> Result<Decoder, ShareError> {
    if let Some((_, decode)) = DECODERS.iter().find(|(v, _)| u64::from(*v) == version) {
        return Ok(*decode);
    }
    let oldest = DECODERS.first().map_or(VERSION, |(v, _)| *v);
    if version > u64::from(VERSION) {
        Err(ShareError::FutureVersion {
            what,
            version,
            supported: VERSION,
        })
    } else {
        Err(ShareError::UnknownVersion {
            what,
            version,
            oldest,
            supported: VERSION,
        })
    }
}

/// Deserialises `T` from JSON text (straight into `T`: no intermediate tree, so memory
/// stays proportional to the content), naming the offending field on failure.
fn from_json<T: serde::de::DeserializeOwned>(json: &[u8]) -> Result<T, ShareError> {
    let malformed = |field: String, e: serde_json::Error| ShareError::Malformed {
        field,
        detail: e.to_string(),
    };
    let mut de = serde_json::Deserializer::from_slice(json);
    let value = serde_path_to_error::deserialize(&mut de)
        .map_err(|e| malformed(e.path().to_string(), e.into_inner()))?;
    de.end().map_err(|e| malformed(".".to_string(), e))?;
    Ok(value)
}

/// The canonical bytes of a state: compact JSON with object keys sorted (the form of
/// `serde_json::Value`). The checksum of links and files is the CRC-32 of these bytes.
fn canonical_json(state: &ShareState) -> Vec<u8> {
    // Serialising these plain structs cannot fail: every map key is a string and
    // non-finite floats become `null` (refused later by validation, with a message).
    let value = serde_json::to_value(state).unwrap_or(Value::Null);
    canonical_bytes(&value)
}

fn canonical_bytes(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}

/// Encodes `state` as a link body `<version>.<data>` (the page puts it after `#s=`).
///
/// Encoding does not validate: a state that fails [`ShareState::validate`] yields a
/// link that decodes to the same error (except non-finite stored results, which JSON
/// cannot carry: they arrive as `null` and are reported as malformed at their field).
pub fn encode_link(state: &ShareState) -> String {
    let mut bytes = canonical_json(state);
    let checksum = crc32(&bytes);
    bytes.extend_from_slice(&checksum.to_le_bytes());
    format!(
        "{VERSION}.{}",
        codec::base64url_encode(&codec::deflate(&bytes))
    )
}

/// The full URL of the page at `base` showing `state`: `base` without any fragment, then
/// `#s=` and [`encode_link`]'s text (what the CLI's `link --base URL` prints).
pub fn share_url(base: &str, state: &ShareState) -> String {
    let page = base.split_once('#').map_or(base, |(page, _)| page);
    format!("{page}{FRAGMENT_KEY}{}", encode_link(state))
}

/// Decodes a link as pasted or found in the URL: the bare `<version>.<data>`, or text
/// containing `#s=<version>.<data>` (a full URL), or `s=<version>.<data>`; whitespace
/// anywhere is ignored (e-mail clients break long links over lines). Text containing `%` is percent-decoded once, and once more if
/// it still contains `%` (a link URL-encoded twice, e.g. `%252E`); a link still
/// encoded after that is refused with [`ShareError::OverEncoded`].
///
/// The result is validated ([`ShareState::validate`]). Never panics.
pub fn decode_link(text: &str) -> Result<ShareState, ShareError> {
    check_input_len(text, LINK, MAX_LINK_BYTES)?;
    let link = codec::unwrap_link(text)?;
    if link.is_empty() {
        return Err(ShareError::Empty);
    }
    let (prefix, data) = link.split_once('.').ok_or(ShareError::MissingVersion)?;
    let decode = decoder(parse_version(prefix)?, LINK)?;
    if data.is_empty() {
        return Err(ShareError::Truncated);
    }
    let offset = prefix.chars().count() + 1;
    let payload = codec::inflate(&codec::base64url_decode(data, offset)?)?;
    let split = payload.len().checked_sub(4).ok_or(ShareError::Truncated)?;
    let (json, trailer) = payload.split_at(split);
    let stored = u32::from_le_bytes([trailer[0], trailer[1], trailer[2], trailer[3]]);
    verify_checksum(stored, json)?;
    finish(decode, json)
}

/// Refuses input over its cap before any work is done on it.
fn check_input_len(text: &str, what: &'static str, max: usize) -> Result<(), ShareError> {
    if text.len() > max {
        return Err(ShareError::InputTooLong {
            what,
            got: text.len(),
            max,
        });
    }
    Ok(())
}

fn parse_version(prefix: &str) -> Result<u64, ShareError> {
    let malformed = || ShareError::MalformedVersion {
        prefix: state::shorten(prefix),
    };
    if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_digit()) {
        return Err(malformed());
    }
    // All digits: only overflow can fail, and such a version is from the future.
    Ok(prefix.parse().unwrap_or(u64::MAX))
}

fn verify_checksum(stored: u32, canonical: &[u8]) -> Result<(), ShareError> {
    let computed = crc32(canonical);
    if stored == computed {
        Ok(())
    } else {
        Err(ShareError::ChecksumMismatch { stored, computed })
    }
}

/// Runs a version's decoder, then validates the latest state.
fn finish(decode: Decoder, json: &[u8]) -> Result<ShareState, ShareError> {
    let state = decode(json)?;
    state.validate()?;
    Ok(state)
}

/// The analysis file's top level.
#[derive(Serialize)]
struct FileOut<'a> {
    format: &'static str,
    version: u32,
    checksum: String,
    state: &'a ShareState,
}

/// Encodes `state` as the text of a `.pidscope.json` analysis file: pretty JSON with
/// `format: "pidscope-analysis"`, `version`, `checksum` (`crc32:` and 8 hex digits, over
/// the state's canonical bytes, as in links) and `state` (the same content as a link).
pub fn encode_file(state: &ShareState) -> String {
    let file = FileOut {
        format: FILE_FORMAT,
        version: VERSION,
        checksum: format_checksum(crc32(&canonical_json(state))),
        state,
    };
    // As in `canonical_json`, serialising these structs cannot fail.
    inline_scalar_arrays(&serde_json::to_string_pretty(&file).unwrap_or_default())
}

/// Puts every array of scalars (shape, labels, weights, column lists) of pretty JSON on
/// one line, so that a 20×20×10 table takes one line rather than 4,000. Line-based
/// rewriting is safe because JSON strings never contain a raw line break, so a line
/// that ends in `[` always opens an array and a scalar line never does.
fn inline_scalar_arrays(pretty: &str) -> String {
    let lines: Vec<&str> = pretty.lines().collect();
    let is_scalar = |line: &str| {
        let t = line.trim().trim_end_matches(',');
        !(t.ends_with('[') || t.ends_with('{') || t.starts_with(']') || t.starts_with('}'))
    };
    let mut out = String::with_capacity(pretty.len());
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let end = i + 1 + lines[i + 1..].iter().take_while(|l| is_scalar(l)).count();
        let closes = lines
            .get(end)
            .is_some_and(|l| l.trim_start().starts_with(']'));
        if line.ends_with('[') && end > i + 1 && closes {
            out.push_str(line);
            let items: Vec<&str> = lines[i + 1..end].iter().map(|l| l.trim()).collect();
            out.push_str(&items.join(" "));
            out.push_str(lines[end].trim_start());
            i = end + 1;
        } else {
            out.push_str(line);
            i += 1;
        }
        out.push('\n');
    }
    out
}

const CHECKSUM_PREFIX: &str = "crc32:";

fn format_checksum(crc: u32) -> String {
    format!("{CHECKSUM_PREFIX}{crc:08x}")
}

/// Decodes the text of a `.pidscope.json` analysis file written by [`encode_file`] (of
/// this or an older version), verifying its checksum and validating the state.
/// Never panics.
pub fn decode_file(text: &str) -> Result<ShareState, ShareError> {
    check_input_len(text, FILE, MAX_FILE_BYTES)?;
    let not_ours = |why: &str| ShareError::NotAnalysisFile(why.to_string());
    let mut file: Value = serde_json::from_str(text)
        .map_err(|e| ShareError::NotAnalysisFile(format!("it is not valid JSON ({e})")))?;
    let Some(top) = file.as_object_mut() else {
        return Err(not_ours("it is not a JSON object"));
    };
    if top.get("format").and_then(Value::as_str) != Some(FILE_FORMAT) {
        return Err(ShareError::NotAnalysisFile(format!(
            "its `format` is not {FILE_FORMAT:?}"
        )));
    }
    let version = top
        .get("version")
        .and_then(Value::as_u64)
        .ok_or_else(|| not_ours("it has no numeric `version`"))?;
    let decode = decoder(version, FILE)?;
    let stored = top
        .get("checksum")
        .and_then(Value::as_str)
        .and_then(|c| c.strip_prefix(CHECKSUM_PREFIX))
        .filter(|hex| hex.len() == 8)
        .and_then(|hex| u32::from_str_radix(hex, 16).ok())
        .ok_or_else(|| not_ours("it has no `checksum` of the form \"crc32:\" and 8 hex digits"))?;
    let state = top
        .remove("state")
        .ok_or_else(|| not_ours("it has no `state`"))?;
    let canonical = canonical_bytes(&state);
    verify_checksum(stored, &canonical)?;
    finish(decode, &canonical)
}
