use super::codec::{base64url_encode, crc32, deflate};
use super::*;
use crate::examples::Gate;
use crate::info::InfoTerms;
use crate::table::{Axis, MAX_CELLS};

fn results(synergy: f64) -> PidResults {
    PidResults {
        redundancy: 0.0,
        unique1: 0.0,
        unique2: 0.0,
        synergy,
        mi_x1_y: 0.0,
        mi_x2_y: 0.0,
        mi_joint: synergy,
        certificate_bits: Some(3.2e-11),
        uncertainty: None,
    }
}

fn labels(n: usize, prefix: &str) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}{i}")).collect()
}

/// A count table of the given shape with the given weights and labels `a0…`, `b0…`, `y0…`.
fn count_table(shape: [usize; 3], weights: Vec<f64>) -> CountTable {
    CountTable {
        shape,
        labels: [
            labels(shape[0], "a"),
            labels(shape[1], "b"),
            labels(shape[2], "y"),
        ],
        weights,
    }
}

fn xor_state() -> ShareState {
    ShareState::for_table(
        count_table([2, 2, 2], vec![1., 0., 0., 1., 0., 1., 1., 0.]),
        results(1.0),
    )
}

/// A link body with arbitrary JSON content and a correct checksum.
fn link_with_json(version: &str, json: &[u8]) -> String {
    link_with_checksum(version, json, crc32(json))
}

fn link_with_checksum(version: &str, json: &[u8], crc: u32) -> String {
    let mut bytes = json.to_vec();
    bytes.extend_from_slice(&crc.to_le_bytes());
    format!("{version}.{}", base64url_encode(&deflate(&bytes)))
}

/// The canonical JSON of `state` after `edit`ing it as a `serde_json::Value`.
fn edited_json(state: &ShareState, edit: impl FnOnce(&mut Value)) -> Vec<u8> {
    let mut value = serde_json::to_value(state).expect("serialisable");
    edit(&mut value);
    serde_json::to_vec(&value).expect("serialisable")
}

/// Decodes a link whose content is `state` edited as JSON, returning the error message.
fn message_for_edit(state: &ShareState, edit: impl FnOnce(&mut Value)) -> String {
    message(&link_with_json("1", &edited_json(state, edit)))
}

fn message(link: &str) -> String {
    match decode_link(link) {
        Ok(state) => panic!("{link:?} decoded to {state:?}"),
        Err(e) => e.to_string(),
    }
}

fn table_of(state: &mut ShareState) -> &mut CountTable {
    match &mut state.source {
        Source::Table(t) | Source::EditedTable { table: t, .. } => t,
        Source::Example { .. } => panic!("not a table"),
    }
}

fn message_for_state(state: &ShareState) -> String {
    let text = message(&encode_link(state));
    // Validation before encoding gives the same message.
    assert_eq!(
        state.validate().map_err(|e| e.to_string()),
        Err(text.clone())
    );
    text
}

#[test]
fn round_trips_each_source_kind_through_links_and_files() {
    let mut edited = xor_state();
    edited.source = Source::EditedTable {
        base_example: Some("XOR".into()),
        table: count_table([1, 1, 2], vec![2.5, 0.125]),
    };
    let mut example = xor_state();
    example.source = Source::Example { name: "and".into() };
    example.model = Some(results(0.5));
    let mut brackets = xor_state();
    table_of(&mut brackets).labels = [
        vec!["[".into(), "{".into()],
        vec!["],".into(), "},\n\"x\": [".into()],
        // (A NUL, once here, is refused now: control characters can disguise labels.)
        vec!["\\".into(), "\"'".into()],
    ];
    for state in [xor_state(), edited, example, brackets] {
        assert_eq!(decode_link(&encode_link(&state)), Ok(state.clone()));
        assert_eq!(decode_file(&encode_file(&state)), Ok(state));
    }
}

#[test]
fn table_recomputes_the_same_distribution() {
    let state = xor_state();
    let table = state.table().expect("valid");
    assert_eq!(table.shape(), [2, 2, 2]);
    assert_eq!(table.total_weight(), 4.0);
    assert_eq!(table.labels(Axis::Y), ["y0", "y1"]);
    assert!((InfoTerms::of(&table).mi_joint - 1.0).abs() < 1e-12);

    let mut example = state;
    example.source = Source::Example { name: "XOR".into() };
    assert_eq!(example.table(), Ok(Gate::Xor.table()));
}

/// A version 1 link as written on the day version 1 shipped. It must keep decoding to
/// the same state in every later version (through the migrations).
const V1_FIXTURE: &str = "1.PU9BTsMwEPxKtFdCFYdbPoHEBSQ3imx3SY1SpzhrqFVF4syJA3yPQ1_StZtWK1sz61nP7BE8TmGgCZojGPRkX61RhJ22qfewqvFeiBJ2tnsbrSNoxKrK9CC6CE11ZfWNedwEt1HOXBtTdOj7uIwGZ98DiuXtwurMZpYikXV9ToMT2Z2i0UMD5uMAWZxCQc6W1GPwBpOWlB4yGJTGgTVSgqp4RAloSwk6YX3BMeHIuOUftmrPc7IuuZh_ou23yUOKsuIS-fDdzuxHlpILvDw-lcUa9sHjGoplveL09Vucvv9g_nn-vzsD";

/// The canonical bytes of that state (what the checksum covers).
const V1_CANONICAL: &str = r#"{"results":{"certificate_bits":3.2e-11,"mi_joint":1.0,"mi_x1_y":0.0,"mi_x2_y":0.0,"redundancy":0.0,"synergy":1.0,"unique1":0.0,"unique2":0.0},"settings":{"estimator":"cvx","units":"bits"},"source":{"table":{"labels":[["a0","a1"],["b0","b1"],["y0","y1"]],"shape":[2,2,2],"weights":[1,0,0,1,0,1,1,0]}},"title":"XOR, \"pure\" synergy — ⊕"}"#;

#[test]
fn version_1_fixture_keeps_decoding() {
    let mut state = xor_state();
    state.title = Some("XOR, \"pure\" synergy — ⊕".into());
    state.settings = Settings {
        estimator: Some(Estimator::Cvx),
        units: Some(Units::Bits),
        ..Settings::default()
    };
    assert_eq!(decode_link(V1_FIXTURE), Ok(state.clone()));
    // While version 1 is current, its canonical form must not drift either (the exact
    // deflate output may change with miniz_oxide, so the link text is not compared).
    assert_eq!(
        String::from_utf8(canonical_json(&state)),
        Ok(V1_CANONICAL.to_string())
    );
    assert_eq!(decode_link(&encode_link(&state)), Ok(state));
}

#[test]
fn dispatch_reads_every_listed_version_and_names_the_others() {
    assert_eq!(DECODERS.last().map(|(v, _)| *v), Some(VERSION));
    assert!(DECODERS.windows(2).all(|w| w[0].0 < w[1].0));
    for (version, _) in DECODERS {
        let json = canonical_json(&xor_state());
        let link = link_with_json(&version.to_string(), &json);
        assert_eq!(decode_link(&link), Ok(xor_state()), "version {version}");
    }
    assert!(matches!(
        decoder(0, LINK),
        Err(ShareError::UnknownVersion { version: 0, .. })
    ));
    assert!(matches!(
        decoder(u64::from(VERSION) + 1, LINK),
        Err(ShareError::FutureVersion { .. })
    ));
}

#[test]
fn link_text_may_be_a_url_or_percent_encoded_once_or_twice() {
    let state = xor_state();
    let link = encode_link(&state);
    let once = link.replace('.', "%2E");
    let twice = link.replace('.', "%252E");
    for text in [
        format!("https://example.org/pidscope/#s={link}"),
        format!("  {link}\n"),
        format!("{}\r\n{}", &link[..40], &link[40..]),
        format!("s={link}"),
        once.clone(),
        twice,
        format!("https%3A%2F%2Fexample.org%2F%23s%3D{once}"),
    ] {
        assert_eq!(decode_link(&text), Ok(state.clone()), "{text}");
    }
    assert_eq!(
        message(&link.replace('.', "%25252E")),
        "the link is still URL-encoded after decoding it 2 times: copy it again from the address bar"
    );
    assert_eq!(
        message(&link.replace('.', "%2")),
        "the link has a broken %-escape at character 2: copy the link again"
    );
}

#[test]
fn share_urls_replace_any_fragment_and_decode() {
    let state = xor_state();
    let link = encode_link(&state);
    for base in [
        "https://example.org/p/",
        "https://example.org/p/#s=1.old",
        "https://example.org/p/#",
    ] {
        let url = share_url(base, &state);
        assert_eq!(url, format!("https://example.org/p/#s={link}"));
        assert_eq!(decode_link(&url), Ok(state.clone()));
    }
}

#[test]
fn empty_links_are_refused() {
    for text in ["", "   \n", "#s=", "https://example.org/#s="] {
        assert_eq!(
            message(text),
            "the link is empty: there is no analysis in it"
        );
    }
}

#[test]
fn version_prefix_must_be_present_and_numeric() {
    let no_prefix = "this is not a pidscope link: what follows `#s=` must start with a version number and a dot (like `2.eNq…`); copy the whole link again";
    assert_eq!(message("q1bKL8pRslIqLkksS"), no_prefix);
    assert_eq!(
        message("v1.q1bKL8pRslIq"),
        "the link's version prefix \"v1\" is not a number: expected `<version>.<data>`, e.g. `1.…`"
    );
    assert!(message(".q1bKL8pRslIq").contains("prefix \"\" is not a number"));
    assert!(message("-1.abc").contains("prefix \"-1\" is not a number"));
}

#[test]
fn version_3_carries_the_normalisation_and_older_versions_refuse_it() {
    let mut state = xor_state();
    state.settings.clusters = Some([20, 20]);
    state.settings.pca_components = Some(2);
    state.settings.normalisation = Some(crate::meta::Normalisation::NormaliseRows);
    state.settings.restarts = Some(10);
    let link = encode_link(&state);
    assert!(link.starts_with("3."), "{link}");
    assert_eq!(decode_link(&link), Ok(state.clone()));
    assert_eq!(decode_file(&encode_file(&state)), Ok(state.clone()));
    let json = canonical_json(&state);
    for old in ["1", "2"] {
        let refused = message(&link_with_json(old, &json));
        assert!(
            refused.contains(&format!(
                "unknown field `normalisation` (not part of version {old})"
            )),
            "{refused}"
        );
    }
    state.settings.restarts = Some(0);
    assert!(message(&encode_link(&state)).contains("settings.restarts"));
}

#[test]
fn future_and_unknown_versions_say_which() {
    assert_eq!(
        message("4.q1bKL8pRslIq"),
        "this link was made by a newer pidscope (version 4); this page reads up to 3: open it with a newer pidscope"
    );
    assert!(message("99999999999999999999999.x").contains("version 18446744073709551615"));
    assert_eq!(
        message("0.q1bKL8pRslIq"),
        "this link has version 0, which this pidscope does not know (it reads versions 1 to 3)"
    );
}

#[test]
fn invalid_base64_names_the_character_and_its_position() {
    assert_eq!(
        message("1.q1bK!8pRslIq"),
        "the link is damaged: character '!' at position 7 cannot appear in a pidscope link (copy the whole link again)"
    );
    assert!(message("1.q1bKéL8pRslIq").contains("character 'é' at position 7"));
    assert!(message("1.q1bK+8pRslIq").contains("character '+' at position 7"));
}

#[test]
fn cut_off_links_are_reported_as_incomplete() {
    let link = encode_link(&xor_state());
    let truncated = "the link is incomplete: its data ends too early (was it cut off when it was copied or sent?)";
    assert_eq!(message("1."), truncated);
    // Every cut that leaves a decodable base64 length ends the deflate stream early.
    for keep in (3..link.len()).filter(|n| (n - 2) % 4 != 1) {
        assert_eq!(message(&link[..keep]), truncated, "cut at {keep}");
    }
    // A length that base64 cannot have.
    assert_eq!(message(&link[..7]), truncated);
}

#[test]
fn corrupt_deflate_data_is_reported() {
    // 0xFF… starts a block of the reserved type 3.
    assert_eq!(
        message("1.____"),
        "the link is damaged: its compressed data is corrupt (copy the whole link again)"
    );
}

#[test]
fn decompression_bombs_are_refused_cheaply() {
    let bomb = deflate(&vec![b' '; MAX_INFLATED_BYTES + 1]);
    let link = format!("1.{}", base64url_encode(&bomb));
    assert!(
        link.len() < 10_000,
        "the bomb link is small: {}",
        link.len()
    );
    assert_eq!(
        message(&link),
        format!("the link's data would unpack to more than {MAX_INFLATED_BYTES} bytes; pidscope refuses links that large")
    );
}

#[test]
fn overlong_link_text_is_refused_before_decoding() {
    let text = "A".repeat(MAX_LINK_BYTES + 1);
    assert!(message(&text).starts_with("the link is 16777217 bytes long; pidscope reads at most"));
}

#[test]
fn checksum_mismatch_is_reported() {
    let json = canonical_json(&xor_state());
    let crc = crc32(&json);
    assert_eq!(
        message(&link_with_checksum("1", &json, crc ^ 1)),
        format!(
            "the shared analysis is damaged: its checksum does not match its content (stored {:08x}, computed {crc:08x})",
            crc ^ 1
        )
    );
    // Fewer bytes than a checksum.
    assert!(message(&format!("1.{}", base64url_encode(&deflate(b"ab")))).contains("incomplete"));
}

#[test]
fn malformed_content_names_the_field() {
    let state = xor_state();
    assert_eq!(
        message_for_edit(&state, |v| v["source"]["table"]["shape"] = "2x2x2".into()),
        "the shared analysis is malformed at `source.table.shape`: invalid type: string \"2x2x2\", expected an array of length 3 at line 1 column 223"
    );
    assert!(
        message_for_edit(&state, |v| v["results"]["synergy"] = Value::Null).starts_with(
            "the shared analysis is malformed at `results.synergy`: invalid type: null"
        )
    );
    assert!(message_for_edit(&state, |v| v["extra"] = 1.into())
        .contains("malformed at `extra`: unknown field `extra`, expected one of `source`"));
    assert!(
        message_for_edit(&state, |v| v["source"]["table"]["weights"][3] = "x".into())
            .contains("malformed at `source.table.weights[3]`: invalid value: string \"x\"")
    );
    assert_eq!(
        message(&link_with_json("1", b"{\"source\": ")),
        "the shared analysis is malformed at `source`: EOF while parsing a value at line 1 column 11"
    );
    let trailing = [canonical_json(&state), b"x".to_vec()].concat();
    assert_eq!(
        message(&link_with_json("1", &trailing)),
        format!(
            "the shared analysis is malformed at `.`: trailing characters at line 1 column {}",
            trailing.len()
        )
    );
}

#[test]
fn absurd_shapes_are_refused() {
    let mut state = xor_state();
    *table_of(&mut state) = count_table([2, 0, 2], vec![]);
    assert_eq!(
        message_for_state(&state),
        "the shared table is invalid: variable X2 has no states (shape [2, 0, 2])"
    );
    *table_of(&mut state) = count_table([1, 1, 1], vec![]);
    table_of(&mut state).shape = [100_000, 100_000, 10];
    assert_eq!(
        message_for_state(&state),
        format!("the shared table is invalid: shape [100000, 100000, 10] is too large (100000000000 cells; at most {MAX_CELLS})")
    );
    *table_of(&mut state) = count_table([2, 2, 2], vec![1.0; 7]);
    assert_eq!(
        message_for_state(&state),
        "the shared table is invalid: shape [2, 2, 2] needs 8 weights, got 7"
    );
}

#[test]
fn label_counts_must_match_the_shape() {
    let mut state = xor_state();
    table_of(&mut state).labels[2].push("extra".into());
    assert_eq!(
        message_for_state(&state),
        "the shared table is invalid: variable Y has 2 states but 3 labels"
    );
}

#[test]
fn non_finite_and_negative_weights_are_refused_with_their_cell() {
    let mut state = xor_state();
    for (value, shown) in [
        (f64::NAN, "NaN"),
        (f64::INFINITY, "inf"),
        (f64::NEG_INFINITY, "-inf"),
    ] {
        table_of(&mut state).weights[5] = value;
        assert_eq!(
            message_for_state(&state),
            format!("the shared table is invalid: weight of cell (x1=1, x2=0, y=1) is not a finite number: {shown}")
        );
    }
    table_of(&mut state).weights[5] = -2.0;
    assert_eq!(
        message_for_state(&state),
        "the shared table is invalid: weight of cell (x1=1, x2=0, y=1) is negative: -2"
    );
    // A number too large for an f64 is refused by the JSON parser.
    let json = String::from_utf8(edited_json(&xor_state(), |_| ())).expect("UTF-8");
    let json = json.replacen("\"weights\":[1,", "\"weights\":[1e999,", 1);
    assert!(message(&link_with_json("1", json.as_bytes())).contains("number out of range"));
}

#[test]
fn all_zero_tables_are_refused() {
    let mut state = xor_state();
    table_of(&mut state).weights = vec![0.0; 8];
    assert_eq!(
        message_for_state(&state),
        "the shared table is invalid: all weights are zero: there is no distribution to analyse"
    );
}

#[test]
fn overlong_text_and_too_many_names_are_refused() {
    let mut state = xor_state();
    table_of(&mut state).labels[0][1] = "é".repeat(MAX_LABEL_CHARS + 1);
    assert_eq!(
        message_for_state(&state),
        "`source.table.labels.x1[1]` is 201 characters long; at most 200 are allowed"
    );
    let mut state = xor_state();
    state.note = Some("n".repeat(MAX_NOTE_CHARS + 1));
    assert_eq!(
        message_for_state(&state),
        "`note` is 4001 characters long; at most 4000 are allowed"
    );
    let mut state = xor_state();
    state.settings.roles = Some(ShareRoles {
        x1: labels(MAX_COLUMNS + 1, "c"),
        ..ShareRoles::default()
    });
    assert_eq!(
        message_for_state(&state),
        "`settings.roles.x1` has 4097 entries; at most 4096 are allowed"
    );
    let mut state = xor_state();
    state.settings.files = vec!["f".repeat(MAX_NAME_CHARS + 1)];
    assert!(message_for_state(&state).starts_with("`settings.files[0]` is 256 characters long"));
}

#[test]
fn control_and_bidirectional_override_characters_are_refused() {
    for (text, code) in [
        ("abc\u{202E}fdp.exe", "U+202E"),
        ("a\u{2066}b", "U+2066"),
        ("bell\u{7}", "U+0007"),
        ("esc\u{1b}[31m", "U+001B"),
    ] {
        let mut state = xor_state();
        table_of(&mut state).labels[2][0] = text.to_string();
        let message = message_for_state(&state);
        assert!(
            message.starts_with("`source.table.labels.y[0]` contains the invisible character")
                && message.contains(code),
            "{message}"
        );
        let mut state = xor_state();
        state.title = Some(text.to_string());
        assert!(
            message_for_state(&state).starts_with("`title` contains"),
            "{text:?}"
        );
    }
    // Line breaks and tabs in a note are ordinary text.
    let mut state = xor_state();
    state.note = Some("line one\nline two\tend".into());
    assert!(state.validate().is_ok());
}

#[test]
fn unknown_example_names_are_refused() {
    let mut state = xor_state();
    state.source = Source::Example {
        name: "NAND".into(),
    };
    assert_eq!(
        message_for_state(&state),
        "the shared analysis refers to a gallery example \"NAND\" that this pidscope does not have (see the learn-mode gallery)"
    );
    state.source = Source::EditedTable {
        base_example: Some("x".repeat(100)),
        table: count_table([1, 1, 1], vec![1.0]),
    };
    assert!(message_for_state(&state).contains(&format!("\"{}…\"", "x".repeat(40))));
}

#[test]
fn settings_and_results_are_checked() {
    let mut state = xor_state();
    state.settings.clusters = Some([20, 0]);
    assert_eq!(
        message_for_state(&state),
        "setting `settings.clusters[1]` must be at least 1"
    );
    let mut state = xor_state();
    state.model = Some(results(f64::INFINITY));
    assert_eq!(
        state.validate().map_err(|e| e.to_string()),
        Err("stored result `model.synergy` is not a finite number (inf)".to_string())
    );
    // In a link the JSON has no infinity: it arrives as `null` and is refused as malformed.
    assert!(
        message(&encode_link(&state)).contains("malformed at `model.mi_joint`: invalid type: null")
    );
}

#[test]
fn analysis_files_are_checked() {
    let state = xor_state();
    let file = encode_file(&state);
    assert!(file.starts_with("{\n  \"format\": \"pidscope-analysis\",\n  \"version\": 3,\n"));
    assert!(file.contains("\n        \"weights\": [1, 0, 0, 1, 0, 1, 1, 0]\n"));
    let expect_err = |text: &str| decode_file(text).expect_err("refused").to_string();
    assert!(expect_err("not json")
        .starts_with("this is not a pidscope analysis file: it is not valid JSON"));
    assert_eq!(
        expect_err("[]"),
        "this is not a pidscope analysis file: it is not a JSON object"
    );
    assert!(expect_err(&file.replace("pidscope-analysis", "other")).contains("`format` is not"));
    assert!(
        expect_err(&file.replace("\"version\": 3", "\"version\": 7"))
            .contains("this analysis file was made by a newer pidscope (version 7)")
    );
    assert!(expect_err(&file.replace("\"crc32:", "\"md5:")).contains("no `checksum`"));
    assert!(expect_err(&file.replace("\"y1\"", "\"Y1\"")).contains("checksum does not match"));
    // Key order and whitespace do not matter: the checksum is over canonical bytes.
    let value: Value = serde_json::from_str(&file).expect("JSON");
    assert_eq!(decode_file(&value.to_string()), Ok(state));
}

#[test]
fn results_agree_within_tolerance_only() {
    let stored = results(1.0);
    let mut recomputed = stored;
    recomputed.synergy += 5e-7;
    recomputed.certificate_bits = None;
    assert_eq!(results_agree(&stored, &recomputed, 1e-6), Ok(()));
    recomputed.mi_joint = f64::NAN;
    let mismatches = results_agree(&stored, &recomputed, 1e-7).expect_err("differs");
    assert_eq!(
        mismatches.iter().map(|m| m.field).collect::<Vec<_>>(),
        ["synergy", "mi_joint"]
    );
    assert!(mismatches[0].to_string().starts_with(
        "synergy: the link says 1 bits, recomputed 1.0000005 bits (difference 5.000e-7 bits)"
    ));
    assert!(results_agree(&stored, &stored, f64::NAN).is_err());
}

/// Deterministic xorshift, for tables with a realistic spread of counts.
fn counts(shape: [usize; 3], samples: u32, seed: u64) -> Vec<f64> {
    let mut s = seed;
    let mut next = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    };
    let [n1, n2, ny] = shape;
    let mut w = vec![0.0; n1 * n2 * ny];
    for _ in 0..samples {
        // Y depends on both cluster indices, with noise: a structured, sparse-ish table.
        let (x1, x2) = ((next() % n1 as u64) as usize, (next() % n2 as u64) as usize);
        let y = if next() % 4 == 0 {
            (next() % ny as u64) as usize
        } else {
            (x1 + 2 * x2) % ny
        };
        w[(x1 * n2 + x2) * ny + y] += 1.0;
    }
    w
}

/// An uncertainty with every figure present and six significant decimals, as stored.
fn realistic_uncertainty() -> StoredUncertainty {
    let term = |i: u32| {
        let x = f64::from(i);
        StoredTerm {
            corrected: 0.123_457 + x * 0.011_113,
            low: Some(0.100_001 + x * 0.010_007),
            high: Some(0.150_003 + x * 0.012_011),
            p_value: Some(0.004_975),
            null_mean: Some(0.012_345 + x * 0.001_009),
        }
    };
    StoredUncertainty {
        redundancy: term(0),
        unique1: term(1),
        unique2: term(2),
        synergy: term(3),
        mi_x1_y: term(4),
        mi_x2_y: term(5),
        mi_joint: term(6),
        approximate: true,
        weighted_rows: false,
    }
}

#[test]
fn version_2_carries_the_uncertainty_and_version_1_refuses_it() {
    let mut state = xor_state();
    state.settings.uncertainty = Some(UncertaintySettings {
        resamples: 200,
        permutations: 100,
        surrogates: crate::rigor::Surrogates::Circular,
        seed: 7,
    });
    state.results.uncertainty = Some(realistic_uncertainty());
    state.model = Some(state.results);
    let link = encode_link(&state);
    assert!(link.starts_with(&format!("{VERSION}.")));
    assert_eq!(decode_link(&link), Ok(state.clone()));
    // The same content labelled version 2 reads.
    let json = canonical_json(&state);
    assert_eq!(decode_link(&link_with_json("2", &json)), Ok(state.clone()));
    assert_eq!(decode_file(&encode_file(&state)), Ok(state.clone()));
    // The same content labelled version 1 is refused, naming the field.
    let old = message(&link_with_json("1", &json));
    assert!(
        old.contains("unknown field `uncertainty` (not part of version 1)"),
        "{old}"
    );
    // A non-finite stored figure is refused with its path.
    let mut bad = state;
    if let Some(u) = bad.results.uncertainty.as_mut() {
        u.synergy.high = Some(f64::INFINITY);
    }
    assert_eq!(
        bad.validate().map_err(|e| e.to_string()),
        Err("stored result `results.uncertainty.synergy.high` is not a finite number (inf)".into())
    );
}

#[test]
fn link_lengths() {
    let realistic = PidResults {
        redundancy: 0.311_278_124_459_133_05,
        unique1: 1.234_567_890_123e-9,
        unique2: 0.0,
        synergy: 0.5,
        mi_x1_y: 0.311_278_124_459_133_1,
        mi_x2_y: 0.311_278_124_459_133_1,
        mi_joint: 0.811_278_124_459_133,
        certificate_bits: Some(5.5e-11),
        uncertainty: None,
    };
    let settings = Settings {
        estimator: Some(Estimator::Cvx),
        clusters: Some([20, 20]),
        pca_components: Some(5),
        seed: Some(42),
        units: Some(Units::Bits),
        roles: Some(ShareRoles {
            x1: labels(5, "cam_"),
            x2: labels(5, "lidar_"),
            y: "label".into(),
            ..ShareRoles::default()
        }),
        files: vec!["hallway.csv".into()],
        uncertainty: None,
        ..Settings::default()
    };
    let gate = |g: Gate| {
        let t = g.table();
        let table = CountTable {
            shape: t.shape(),
            labels: Axis::ALL.map(|a| t.labels(a).to_vec()),
            weights: t.p().iter().map(|p| p * 4.0).collect(),
        };
        ShareState::for_table(table, realistic)
    };
    let clustered = |shape: [usize; 3], samples| {
        let mut state = ShareState::for_table(
            CountTable {
                shape,
                labels: [
                    labels(shape[0], "c"),
                    labels(shape[1], "c"),
                    labels(shape[2], "class "),
                ],
                weights: counts(shape, samples, 0x9E37_79B9_7F4A_7C15),
            },
            realistic,
        );
        state.settings = settings.clone();
        state
    };
    let mut example = gate(Gate::Xor);
    example.source = Source::Example { name: "XOR".into() };
    let mut with_uncertainty = clustered([20, 20, 10], 1_000);
    with_uncertainty.settings.uncertainty = Some(UncertaintySettings {
        resamples: 200,
        permutations: 200,
        surrogates: crate::rigor::Surrogates::Shuffle,
        seed: 0,
    });
    with_uncertainty.results.uncertainty = Some(realistic_uncertainty());
    let cases = [
        ("gallery example XOR", example, 250),
        ("2x2x2 AND gate table", gate(Gate::And), 300),
        (
            "20x20x2 table, 1,000 samples",
            clustered([20, 20, 2], 1_000),
            1_100,
        ),
        (
            "20x20x2 table, 10,000 samples",
            clustered([20, 20, 2], 10_000),
            1_550,
        ),
        (
            "20x20x10 table, 1,000 samples",
            clustered([20, 20, 10], 1_000),
            1_600,
        ),
        (
            "20x20x10 table, 10,000 samples",
            clustered([20, 20, 10], 10_000),
            3_200,
        ),
        (
            "20x20x10 table, 1,000 samples, with uncertainty",
            with_uncertainty,
            2_100,
        ),
    ];
    println!("| state | JSON bytes | link chars | file bytes |");
    println!("|---|---|---|---|");
    for (what, state, bound) in cases {
        let link = encode_link(&state);
        println!(
            "| {what} | {} | {} | {} |",
            canonical_json(&state).len(),
            link.len(),
            encode_file(&state).len()
        );
        assert!(link.len() <= bound, "{what}: {} > {bound}", link.len());
        assert_eq!(decode_link(&link), Ok(state));
    }
}

/// Property tests (native only: proptest needs an OS random source).
#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Labels and names: unicode, quotes, commas, backslashes, emoji, empty.
    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            "\\PC{0,12}",
            "[a-z0-9 ,;\"'\\\\]{0,8}",
            Just("\"quoted, with comma\"".to_string()),
            Just("π ≈ 3.14 — 🚗🅿️".to_string()),
            Just(String::new()),
        ]
    }

    fn count_tables() -> impl Strategy<Value = CountTable> {
        (1usize..=6, 1usize..=6, 1usize..=4)
            .prop_flat_map(|(n1, n2, ny)| {
                let weight = prop_oneof![
                    3 => (0u32..1000).prop_map(f64::from),
                    1 => 0.0f64..1.0,
                    1 => Just(0.0),
                ];
                (
                    Just([n1, n2, ny]),
                    [
                        prop::collection::vec(text(), n1),
                        prop::collection::vec(text(), n2),
                        prop::collection::vec(text(), ny),
                    ],
                    prop::collection::vec(weight, n1 * n2 * ny),
                )
            })
            .prop_map(|(shape, labels, mut weights)| {
                if weights.iter().all(|&w| w == 0.0) {
                    weights[0] = 1.0;
                }
                CountTable {
                    shape,
                    labels,
                    weights,
                }
            })
    }

    fn sources() -> impl Strategy<Value = Source> {
        let example = prop::sample::select(Gate::ALL.to_vec());
        prop_oneof![
            count_tables().prop_map(Source::Table),
            example.clone().prop_map(|g| Source::Example {
                name: g.name().to_string()
            }),
            (prop::option::of(example), count_tables()).prop_map(|(g, table)| {
                Source::EditedTable {
                    base_example: g.map(|g| g.name().to_string()),
                    table,
                }
            }),
        ]
    }

    fn settings() -> impl Strategy<Value = Settings> {
        let roles = (
            prop::collection::vec(text(), 0..4),
            prop::collection::vec(text(), 0..4),
            text(),
            prop::collection::vec(text(), 0..2),
            prop::option::of(text()),
        )
            .prop_map(|(x1, x2, y, yhat, weight)| ShareRoles {
                x1,
                x2,
                y,
                yhat,
                weight,
            });
        (
            prop::option::of(prop::sample::select(Estimator::ALL.to_vec())),
            prop::option::of([1u32..100, 1u32..100]),
            prop::option::of(1u32..50),
            prop::option::of(any::<u64>()),
            prop::option::of(prop_oneof![Just(Units::Bits), Just(Units::Nats)]),
            prop::option::of(roles),
            prop::collection::vec(text(), 0..3),
            prop::option::of((0u32..500, 0u32..500, any::<bool>(), any::<u64>())),
        )
            .prop_map(
                |(estimator, clusters, pca_components, seed, units, roles, files, u)| Settings {
                    estimator,
                    clusters,
                    pca_components,
                    seed,
                    units,
                    roles,
                    files,
                    uncertainty: u.map(|(resamples, permutations, circular, seed)| {
                        UncertaintySettings {
                            resamples,
                            permutations,
                            surrogates: if circular {
                                crate::rigor::Surrogates::Circular
                            } else {
                                crate::rigor::Surrogates::Shuffle
                            },
                            seed,
                        }
                    }),
                    // Version 3's fields are exercised by `version_3_carries_the_normalisation`.
                    ..Settings::default()
                },
            )
    }

    fn pid_results() -> impl Strategy<Value = PidResults> {
        let x = || prop_oneof![-1.0f64..3.0, Just(0.0), prop::num::f64::NORMAL];
        (
            [x(), x(), x(), x(), x(), x(), x()],
            prop::option::of(prop::num::f64::POSITIVE | prop::num::f64::ZERO),
        )
            .prop_map(
                |([r, u1, u2, s, i1, i2, i12], certificate_bits)| PidResults {
                    redundancy: r,
                    unique1: u1,
                    unique2: u2,
                    synergy: s,
                    mi_x1_y: i1,
                    mi_x2_y: i2,
                    mi_joint: i12,
                    certificate_bits,
                    uncertainty: None,
                },
            )
    }

    fn states() -> impl Strategy<Value = ShareState> {
        (
            sources(),
            settings(),
            prop::option::of(text()),
            prop::option::of(text()),
            pid_results(),
            prop::option::of(pid_results()),
        )
            .prop_map(
                |(source, settings, title, note, results, model)| ShareState {
                    source,
                    settings,
                    title,
                    note,
                    results,
                    model,
                },
            )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn state_link_state_round_trips(state in states()) {
            prop_assert_eq!(state.validate(), Ok(()));
            let link = encode_link(&state);
            prop_assert!(link.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)));
            prop_assert_eq!(decode_link(&link), Ok(state.clone()));
            prop_assert_eq!(decode_file(&encode_file(&state)), Ok(state));
        }

        #[test]
        fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
            let _ = decode_link(&String::from_utf8_lossy(&bytes));
            let _ = decode_file(&String::from_utf8_lossy(&bytes));
        }

        #[test]
        fn random_strings_never_panic(text in "\\PC{0,200}|[0-9]{0,3}[.%][A-Za-z0-9_%.=-]{0,200}") {
            let _ = decode_link(&text);
        }

        #[test]
        fn random_payloads_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
            // Valid prefix and base64: the bytes reach the inflater.
            let _ = decode_link(&format!("1.{}", base64url_encode(&bytes)));
            // Valid deflate and checksum: the bytes reach the JSON parser.
            let _ = decode_link(&link_with_json("1", &bytes));
        }

        #[test]
        fn absurd_tables_never_panic(
            shape in [(); 3].map(|()| prop_oneof![0usize..4, 0usize..70_000]),
            weights in prop::collection::vec(
                prop_oneof![any::<f64>(), Just(f64::NAN), Just(-0.0), Just(1e308)],
                0..64,
            ),
            labels in [0usize..5, 0usize..5, 0usize..5],
        ) {
            let mut state = xor_state();
            *table_of(&mut state) = CountTable {
                shape,
                labels: labels.map(|n| super::labels(n, "s")),
                weights,
            };
            let expected = state.validate().map_err(|e| e.to_string()).err();
            let decoded = decode_link(&encode_link(&state)).map_err(|e| e.to_string());
            prop_assert_eq!(decoded.err(), expected);
        }

        #[test]
        fn damaged_links_never_panic_and_never_decode_to_another_state(
            state in states(),
            at in any::<prop::sample::Index>(),
            replacement in "[A-Za-z0-9_-]",
        ) {
            let link = encode_link(&state);
            let i = 2 + at.index(link.len() - 2);
            let mut damaged = link.clone();
            damaged.replace_range(i..=i, &replacement);
            if let Ok(decoded) = decode_link(&damaged) {
                // Only a change in the unused low bits of the last character is harmless.
                prop_assert_eq!(decoded, state);
            }
        }
    }
}
