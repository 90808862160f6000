//! Seeded scenario generators for learn mode: samples as [`ParsedTable`]s plus the
//! [`Roles`] to analyse them with, so the page sends them through the same ingestion →
//! discretisation → CVX path a user's file takes ([`crate::analysis::analyse`]).
//!
//! Two families (how they are built and what they measure: `docs/scenarios.md`):
//!
//! - **The hallway robot** ([`RobotSetting`]): camera features X1 (7 columns `cam_*`)
//!   and LiDAR features X2 (8 columns `lidar_*`) and the next action Y ∈ {forward,
//!   left, right, stop}. A latent world (which of the sectors left/ahead/right is
//!   blocked, by what, how far; the light; a glass door) is drawn first; each sensor
//!   renders *what it perceives* of that world with noise; the action follows from
//!   the *true* world. Open corridor → redundancy, cluttered storage room → LiDAR's
//!   uniqueness U2, glass door → synergy.
//! - **The paper's synthetic datasets** ([`LatentMix`], DESIGN §5): Gaussian latents
//!   z1, z2, zc; X1 = f(z1, zc), X2 = f(z2, zc) with f(z, zc) = tanh(A·[z, zc]) + noise
//!   through one fixed random projection A (seeded); Y the tuple of the chosen label bits
//!   (from zc: redundancy, z1: U1, z2: U2, the sign of a product of z1 and z2: synergy).
//!
//! Everything is plain `f64` arithmetic on [`SplitMix64`] draws, so the same spec gives
//! the same samples natively and in WebAssembly. Feature values are rounded to 4
//! decimals, so [`write_csv`]'s text reads back to exactly the same table.

use serde::{Deserialize, Serialize};

use crate::analysis::AnalysisSettings;
use crate::data::counts::csv_field;
use crate::data::{Column, ColumnData, DataError, ParsedTable, Roles};
use crate::examples::Atom;
use crate::rng::SplitMix64;

/// Most samples one scenario may generate (a few MB of columns).
pub const MAX_SAMPLES: usize = 200_000;

/// Samples a scenario generates unless asked otherwise.
pub const DEFAULT_SAMPLES: usize = 4000;

/// Why a scenario could not be generated.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScenarioError {
    #[error("the sample count must be between 1 and {max}, not {found}")]
    SampleCount { found: usize, max: usize },
    #[error("a latent mix must select at least one source of the label")]
    EmptyMix,
    #[error(transparent)]
    Data(#[from] DataError),
}

/// Where the hallway robot is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RobotSetting {
    /// Well lit, tall obstacles: both sensors see the same world (redundancy).
    Corridor,
    /// Dim, cluttered with low obstacles the camera misses and the LiDAR sees (U2).
    StorageRoom,
    /// At a glass door: the LiDAR sees through the glass, the camera sees the frame and
    /// a mirrored reflection; only together do they tell an open door (synergy).
    GlassDoor,
}

/// Which sources the synthetic label Y is made of; Y is the tuple of the selected
/// bits (up to 16 classes), so a mix's atoms add up roughly like its parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct LatentMix {
    /// A bit from the shared latent zc (D_R).
    pub redundant: bool,
    /// A bit from X1's own latent z1 (D_U1).
    pub unique1: bool,
    /// A bit from X2's own latent z2 (D_U2).
    pub unique2: bool,
    /// The sign of a product of z1 and z2 (D_S).
    pub synergy: bool,
}

impl LatentMix {
    /// D_R: y from zc.
    pub const D_R: LatentMix = LatentMix::only(Atom::Redundancy);
    /// D_U1: y from z1.
    pub const D_U1: LatentMix = LatentMix::only(Atom::Unique1);
    /// D_U2: y from z2.
    pub const D_U2: LatentMix = LatentMix::only(Atom::Unique2);
    /// D_S: y from z1 and z2 jointly.
    pub const D_S: LatentMix = LatentMix::only(Atom::Synergy);

    /// The mix with one source, the one meant to produce `atom`.
    pub const fn only(atom: Atom) -> LatentMix {
        LatentMix {
            redundant: matches!(atom, Atom::Redundancy),
            unique1: matches!(atom, Atom::Unique1),
            unique2: matches!(atom, Atom::Unique2),
            synergy: matches!(atom, Atom::Synergy),
        }
    }

    /// The selected sources, in the order R, U1, U2, S.
    pub fn atoms(self) -> Vec<Atom> {
        let on = [self.redundant, self.unique1, self.unique2, self.synergy];
        Atom::ALL
            .into_iter()
            .zip(on)
            .filter(|(_, on)| *on)
            .map(|(a, _)| a)
            .collect()
    }

    /// A short name: `D_R`, `D_U1`, `D_U2`, `D_S`, or the parts joined by `+`.
    pub fn name(self) -> String {
        let parts: Vec<&str> = self.atoms().into_iter().map(|a| a.term().symbol).collect();
        format!("D_{}", parts.join("+"))
    }
}

/// A scenario to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Scenario {
    /// The hallway robot in one setting.
    Robot { setting: RobotSetting },
    /// A synthetic generative dataset with the label made of `mix`.
    Synthetic { mix: LatentMix },
}

impl Scenario {
    /// The presets the page lists: the robot's three settings, then D_R, D_U1, D_U2, D_S.
    pub const PRESETS: [Scenario; 7] = [
        Scenario::Robot {
            setting: RobotSetting::Corridor,
        },
        Scenario::Robot {
            setting: RobotSetting::StorageRoom,
        },
        Scenario::Robot {
            setting: RobotSetting::GlassDoor,
        },
        Scenario::Synthetic {
            mix: LatentMix::D_R,
        },
        Scenario::Synthetic {
            mix: LatentMix::D_U1,
        },
        Scenario::Synthetic {
            mix: LatentMix::D_U2,
        },
        Scenario::Synthetic {
            mix: LatentMix::D_S,
        },
    ];

    /// A short name for files and links: `robot_corridor`, `synthetic_D_S`, …
    pub fn name(self) -> String {
        match self {
            Scenario::Robot { setting } => format!(
                "robot_{}",
                match setting {
                    RobotSetting::Corridor => "corridor",
                    RobotSetting::StorageRoom => "storage_room",
                    RobotSetting::GlassDoor => "glass_door",
                }
            ),
            Scenario::Synthetic { mix } => format!("synthetic_{}", mix.name()),
        }
    }

    /// The atom this scenario is built to make the largest, when there is one.
    pub fn intended(self) -> Option<Atom> {
        match self {
            Scenario::Robot { setting } => Some(match setting {
                RobotSetting::Corridor => Atom::Redundancy,
                RobotSetting::StorageRoom => Atom::Unique2,
                RobotSetting::GlassDoor => Atom::Synergy,
            }),
            Scenario::Synthetic { mix } => match mix.atoms()[..] {
                [one] => Some(one),
                _ => None,
            },
        }
    }
}

/// What to generate: a scenario, its seed and the number of samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioSpec {
    pub scenario: Scenario,
    pub seed: u64,
    pub samples: usize,
}

impl ScenarioSpec {
    /// `scenario` with seed 1 and [`DEFAULT_SAMPLES`] samples.
    pub fn new(scenario: Scenario) -> ScenarioSpec {
        ScenarioSpec {
            scenario,
            seed: 1,
            samples: DEFAULT_SAMPLES,
        }
    }
}

/// Generated samples, ready for [`crate::analysis::analyse`].
#[derive(Debug, Clone, PartialEq)]
pub struct GeneratedScenario {
    /// One table of samples (features of both modalities and the label).
    pub tables: Vec<ParsedTable>,
    /// X1, X2 and Y columns.
    pub roles: Roles,
    /// The clustering the scenario is designed for (its PID is documented with these).
    pub recommended: AnalysisSettings,
    /// The atom the scenario is built to make the largest, when there is one.
    pub intended: Option<Atom>,
    /// A short title.
    pub title: String,
    /// A few sentences for the page: what the variables are and what to expect.
    pub description: String,
}

/// Generates the samples of `spec`: the same spec always gives the same tables.
pub fn generate(spec: &ScenarioSpec) -> Result<GeneratedScenario, ScenarioError> {
    if spec.samples == 0 || spec.samples > MAX_SAMPLES {
        return Err(ScenarioError::SampleCount {
            found: spec.samples,
            max: MAX_SAMPLES,
        });
    }
    let mut rng = SplitMix64::new(spec.seed);
    let name = format!("{}.csv", spec.scenario.name());
    let (samples, recommended, title, description) = match spec.scenario {
        Scenario::Robot { setting } => {
            let (title, description) = robot_text(setting);
            (
                robot_samples(setting, spec.samples, &mut rng),
                AnalysisSettings {
                    clusters: ROBOT_CLUSTERS,
                    pca: 5,
                    ..AnalysisSettings::default()
                },
                title.to_string(),
                description.to_string(),
            )
        }
        Scenario::Synthetic { mix } => {
            if mix.atoms().is_empty() {
                return Err(ScenarioError::EmptyMix);
            }
            (
                synthetic_samples(mix, spec.samples, &mut rng),
                AnalysisSettings {
                    clusters: SYNTHETIC_CLUSTERS,
                    pca: 2 * LATENT_DIM,
                    ..AnalysisSettings::default()
                },
                format!("Synthetic dataset {}", mix.name()),
                synthetic_text(mix),
            )
        }
    };
    let roles = samples.roles();
    Ok(GeneratedScenario {
        tables: vec![samples.into_table(name)?],
        roles,
        recommended,
        intended: spec.scenario.intended(),
        title,
        description,
    })
}

/// Writes a parsed table as CSV text (header, then one line per row; missing values
/// empty; fields quoted where needed), for downloading a generated scenario.
pub fn write_csv(table: &ParsedTable) -> String {
    let columns = table.columns();
    let mut out = String::new();
    let mut line = |fields: &mut dyn Iterator<Item = String>| {
        let mut first = true;
        for field in fields {
            if !first {
                out.push(',');
            }
            first = false;
            out += &csv_field(&field);
        }
        out.push('\n');
    };
    line(&mut columns.iter().map(|c| c.name.clone()));
    for row in 0..table.rows() {
        line(&mut columns.iter().map(|c| c.text(row)));
    }
    out
}

/// Samples under construction: numeric features of each modality and the label.
struct Samples {
    x1: Vec<(String, Vec<f64>)>,
    x2: Vec<(String, Vec<f64>)>,
    y_name: &'static str,
    y_levels: Vec<String>,
    y: Vec<u32>,
}

impl Samples {
    /// Empty columns `{p1}_0…`, `{p2}_0…` for `rows` samples.
    fn new(
        prefixes: [&str; 2],
        widths: [usize; 2],
        y_name: &'static str,
        y_levels: Vec<String>,
        rows: usize,
    ) -> Samples {
        let columns = |prefix: &str, width: usize| {
            (0..width)
                .map(|j| (format!("{prefix}_{j}"), Vec::with_capacity(rows)))
                .collect()
        };
        Samples {
            x1: columns(prefixes[0], widths[0]),
            x2: columns(prefixes[1], widths[1]),
            y_name,
            y_levels,
            y: Vec::with_capacity(rows),
        }
    }

    /// Appends one sample (feature values rounded to 4 decimals).
    fn push(&mut self, x1: &[f64], x2: &[f64], y: usize) {
        for (columns, values) in [(&mut self.x1, x1), (&mut self.x2, x2)] {
            for ((_, column), &v) in columns.iter_mut().zip(values) {
                column.push((v * 1e4).round() / 1e4);
            }
        }
        self.y.push(y as u32);
    }

    fn roles(&self) -> Roles {
        let names =
            |columns: &[(String, Vec<f64>)]| columns.iter().map(|(n, _)| n.clone()).collect();
        Roles {
            x1: names(&self.x1),
            x2: names(&self.x2),
            y: self.y_name.to_string(),
            ..Roles::default()
        }
    }

    fn into_table(self, name: String) -> Result<ParsedTable, DataError> {
        let column = |name: String, data: ColumnData| Column {
            name,
            data,
            missing: 0,
            became_categorical_at: None,
        };
        let mut columns: Vec<Column> = self
            .x1
            .into_iter()
            .chain(self.x2)
            .map(|(name, values)| column(name, ColumnData::Numeric(values.into())))
            .collect();
        columns.push(column(
            self.y_name.to_string(),
            ColumnData::Categorical {
                codes: self.y,
                levels: self.y_levels,
            },
        ));
        ParsedTable::from_columns(name, columns)
    }
}

// ---------------------------------------------------------------------------------
// The hallway robot

/// Clusters per modality recommended for the robot: the paper's default 20 (12 gives
/// the same profiles; its world has 8 sector configurations).
pub const ROBOT_CLUSTERS: usize = 20;

/// The robot's actions, the levels of Y.
pub const ACTIONS: [&str; 4] = ["forward", "left", "right", "stop"];

/// Camera features: per-sector apparent obstacle size (3), floor visible ahead,
/// left–right asymmetry, edge density, brightness.
const CAMERA_FEATURES: usize = 7;
/// LiDAR features: 8 range sectors from −90° (left) to +90° (right).
const LIDAR_FEATURES: usize = 8;

/// Distance to the nearest obstacle in the sectors left, ahead, right, metres.
type Sectors = [f64; 3];

/// A sector counts as clear (passable) beyond this distance, metres.
const CLEAR_BEYOND: f64 = 1.5;

/// A blocked sector's distance: 0.4–1.0 m.
fn blocked_distance(rng: &mut SplitMix64) -> f64 {
    0.4 + 0.6 * rng.uniform()
}

/// A clear sector's distance: 2.5–5 m.
fn clear_distance(rng: &mut SplitMix64) -> f64 {
    2.5 + 2.5 * rng.uniform()
}

/// The robot's rule, applied to the true world: forward when the way ahead is
/// clear, else turn to the left if it is clear, else to the right, else stop.
fn action(truth: &Sectors) -> usize {
    let clear = truth.map(|d| d > CLEAR_BEYOND);
    match clear {
        [_, true, _] => 0,
        [true, false, _] => 1,
        [false, false, true] => 2,
        _ => 3,
    }
}

/// The camera's view of what it perceives, with noise scaled by `noise`: apparent
/// obstacle sizes ∝ 1/distance, the floor visible ahead, asymmetry, edges, brightness.
fn render_camera(seen: &Sectors, light: f64, noise: f64, rng: &mut SplitMix64) -> Vec<f64> {
    let mut n = |scale: f64| scale * noise * rng.normal();
    let size = seen.map(|d| 1.0 / d);
    vec![
        size[0] + n(0.25),
        size[1] + n(0.25),
        size[2] + n(0.25),
        seen[1].min(4.0) / 4.0 + n(0.15),
        size[0] - size[2] + n(0.3),
        size.iter().sum::<f64>() / 3.0 + n(0.2),
        light + n(0.1),
    ]
}

/// The LiDAR's 8 range sectors across −90°…+90°: each reads the nearest of the
/// perceived sector distances it overlaps, plus 3% range noise.
fn render_lidar(seen: &Sectors, rng: &mut SplitMix64) -> Vec<f64> {
    // Sectors 0–2 look left, 2–5 ahead, 5–7 right (2 and 5 straddle two).
    const COVERS: [&[usize]; LIDAR_FEATURES] =
        [&[0], &[0], &[0, 1], &[1], &[1], &[1, 2], &[2], &[2]];
    COVERS
        .iter()
        .map(|cover| {
            let d = cover.iter().map(|&s| seen[s]).fold(f64::INFINITY, f64::min);
            d * (1.0 + 0.03 * rng.normal())
        })
        .collect()
}

/// One draw of the robot's world: the true sectors (for the action) and what each
/// sensor perceives of them, with the light level.
struct RobotWorld {
    truth: Sectors,
    camera_sees: Sectors,
    lidar_sees: Sectors,
    light: f64,
}

/// Draws sectors that are each blocked with probability `blocked`.
fn draw_sectors(blocked: f64, rng: &mut SplitMix64) -> Sectors {
    [(); 3].map(|_| {
        if rng.uniform() < blocked {
            blocked_distance(rng)
        } else {
            clear_distance(rng)
        }
    })
}

fn robot_world(setting: RobotSetting, rng: &mut SplitMix64) -> RobotWorld {
    match setting {
        RobotSetting::Corridor => {
            let truth = draw_sectors(0.5, rng);
            RobotWorld {
                truth,
                camera_sees: truth,
                lidar_sees: truth,
                light: 1.0,
            }
        }
        RobotSetting::StorageRoom => {
            // Each blocked sector is blocked by a low or dark object (a pallet, a cable
            // drum) with probability 0.7; the camera looks over it to the clear floor
            // behind, the LiDAR's scan plane hits it.
            let truth = draw_sectors(0.6, rng);
            let camera_sees = truth.map(|d| {
                let low = d <= CLEAR_BEYOND && rng.uniform() < 0.7;
                if low {
                    clear_distance(rng)
                } else {
                    d
                }
            });
            RobotWorld {
                truth,
                camera_sees,
                lidar_sees: truth,
                light: 0.3,
            }
        }
        RobotSetting::GlassDoor => {
            // In front of a door in a wall; beyond it the hall turns left or right.
            let turn_left = rng.uniform() < 0.5;
            let closed = rng.uniform() < 0.5;
            let beyond = [
                if turn_left {
                    clear_distance(rng)
                } else {
                    blocked_distance(rng)
                },
                1.0 + 0.3 * rng.uniform(),
                if turn_left {
                    blocked_distance(rng)
                } else {
                    clear_distance(rng)
                },
            ];
            // The LiDAR's beams pass through the glass: it always sees the hall beyond.
            // The camera sees the frame, and in a closed pane the mirrored hall.
            let camera_sees = if closed {
                [beyond[2], beyond[1], beyond[0]]
            } else {
                beyond
            };
            let truth = if closed {
                [
                    blocked_distance(rng),
                    0.5 + 0.5 * rng.uniform(),
                    blocked_distance(rng),
                ]
            } else {
                beyond
            };
            RobotWorld {
                truth,
                camera_sees,
                lidar_sees: beyond,
                light: 0.8,
            }
        }
    }
}

fn robot_samples(setting: RobotSetting, rows: usize, rng: &mut SplitMix64) -> Samples {
    let levels = ACTIONS.iter().map(|a| a.to_string()).collect();
    let mut samples = Samples::new(
        ["cam", "lidar"],
        [CAMERA_FEATURES, LIDAR_FEATURES],
        "action",
        levels,
        rows,
    );
    for _ in 0..rows {
        let world = robot_world(setting, rng);
        let light = world.light * (0.9 + 0.2 * rng.uniform());
        // Dim light makes the image noisier.
        let camera = render_camera(&world.camera_sees, light, 0.6 / world.light.sqrt(), rng);
        let lidar = render_lidar(&world.lidar_sees, rng);
        samples.push(&camera, &lidar, action(&world.truth));
    }
    samples
}

fn robot_text(setting: RobotSetting) -> (&'static str, &'static str) {
    match setting {
        RobotSetting::Corridor => (
            "Hallway robot: open corridor",
            "A robot chooses its next move (forward, left, right, stop) from a camera (X1: 7 image cues) \
and a LiDAR (X2: 8 range sectors). In a well-lit corridor every obstacle is tall and visible to both: \
the two sensors tell the same story, so redundancy dominates.",
        ),
        RobotSetting::StorageRoom => (
            "Hallway robot: cluttered storage room",
            "The same robot in a dim storage room full of low pallets and cable drums. \
The camera, looking over them in poor light, misses most of them; the LiDAR's scan plane hits them. \
Much of what decides the move is known only to the LiDAR: its unique information U2 grows.",
        ),
        RobotSetting::GlassDoor => (
            "Hallway robot: glass door",
            "The robot faces a glass door; beyond it the hall turns left or right. \
The LiDAR sees through the glass, so it always reports the free way beyond; \
the camera sees the frame and, when the door is closed, the hall mirrored in the glass. \
Neither alone can tell an open door from a closed one; where their free sides agree the door is open: synergy.",
        ),
    }
}

// ---------------------------------------------------------------------------------
// The paper's synthetic generative datasets

/// Dimensions of each latent z1, z2, zc.
pub const LATENT_DIM: usize = 2;
/// Features per modality.
const SYNTHETIC_FEATURES: usize = 8;
/// Clusters per modality recommended for the synthetic datasets.
pub const SYNTHETIC_CLUSTERS: usize = 20;
/// Seed of the fixed random transform f (the same for every sample seed, so all the
/// datasets share one X1 = f(z1, zc), X2 = f(z2, zc)).
const TRANSFORM_SEED: u64 = 0x00D5_EED5;

/// A `rows × cols` matrix of N(0, 1/cols) entries.
fn random_matrix(rows: usize, cols: usize, rng: &mut SplitMix64) -> Vec<Vec<f64>> {
    let scale = 1.0 / (cols as f64).sqrt();
    (0..rows)
        .map(|_| (0..cols).map(|_| scale * rng.normal()).collect())
        .collect()
}

/// tanh(A·z) + 0.1·noise, feature by feature.
fn project(a: &[Vec<f64>], z: &[f64], rng: &mut SplitMix64) -> Vec<f64> {
    a.iter()
        .map(|row| {
            let dot: f64 = row.iter().zip(z).map(|(w, v)| w * v).sum();
            dot.tanh() + 0.1 * rng.normal()
        })
        .collect()
}

fn synthetic_samples(mix: LatentMix, rows: usize, rng: &mut SplitMix64) -> Samples {
    // One transform f for both modalities, as in X1 = f(z1, zc), X2 = f(z2, zc).
    let a = random_matrix(
        SYNTHETIC_FEATURES,
        2 * LATENT_DIM,
        &mut SplitMix64::new(TRANSFORM_SEED),
    );
    let atoms = mix.atoms();
    let levels = (0..1usize << atoms.len())
        .map(|class| {
            let bits: String = (0..atoms.len())
                .rev()
                .map(|bit| if class >> bit & 1 == 1 { '1' } else { '0' })
                .collect();
            format!("y{bits}")
        })
        .collect();
    let mut samples = Samples::new(["x1", "x2"], [SYNTHETIC_FEATURES; 2], "label", levels, rows);
    for _ in 0..rows {
        let [z1, z2, zc] =
            [(); 3].map(|_| (0..LATENT_DIM).map(|_| rng.normal()).collect::<Vec<f64>>());
        let bit = |atom: Atom| -> usize {
            let positive = match atom {
                Atom::Redundancy => zc[0] > 0.0,
                Atom::Unique1 => z1[0] > 0.0,
                Atom::Unique2 => z2[0] > 0.0,
                Atom::Synergy => z1[1] * z2[1] > 0.0,
            };
            usize::from(positive)
        };
        let y = atoms.iter().fold(0, |y, &a| 2 * y + bit(a));
        let x1 = project(&a, &[&z1[..], &zc[..]].concat(), rng);
        let x2 = project(&a, &[&z2[..], &zc[..]].concat(), rng);
        samples.push(&x1, &x2, y);
    }
    samples
}

fn synthetic_text(mix: LatentMix) -> String {
    let sources: Vec<&str> = mix
        .atoms()
        .into_iter()
        .map(|a| match a {
            Atom::Redundancy => "the sign of the shared latent zc (seen by both: redundancy)",
            Atom::Unique1 => "the sign of X1's own latent z1 (unique to X1)",
            Atom::Unique2 => "the sign of X2's own latent z2 (unique to X2)",
            Atom::Synergy => "whether z1 and z2 have the same sign (needs both: synergy)",
        })
        .collect();
    format!(
        "Three hidden Gaussian causes z1, z2, zc; X1 (8 features) is a fixed random nonlinear mix of z1 and zc, \
X2 of z2 and zc. The label is {}.",
        sources.join("; and ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{parse_csv, IngestOptions};

    fn spec(scenario: Scenario, seed: u64) -> ScenarioSpec {
        ScenarioSpec {
            scenario,
            seed,
            samples: 500,
        }
    }

    #[test]
    fn the_same_seed_gives_identical_tables_and_another_seed_does_not() {
        for scenario in Scenario::PRESETS {
            let a = generate(&spec(scenario, 7)).unwrap();
            let b = generate(&spec(scenario, 7)).unwrap();
            let c = generate(&spec(scenario, 8)).unwrap();
            assert_eq!(a, b, "{}", scenario.name());
            assert_ne!(a.tables, c.tables, "{}", scenario.name());
            assert_eq!(a.tables[0].rows(), 500);
            // 15 robot features or 16 synthetic ones, plus the label.
            assert!(a.tables[0].columns().len() >= 16);
        }
    }

    #[test]
    fn csv_text_reads_back_to_the_same_values() {
        for scenario in [Scenario::PRESETS[2], Scenario::PRESETS[6]] {
            let generated = generate(&spec(scenario, 3)).unwrap();
            let table = &generated.tables[0];
            let text = write_csv(table);
            let back = parse_csv(IngestOptions::named("back.csv"), text.as_bytes()).unwrap();
            assert_eq!(back.column_names(), table.column_names());
            assert_eq!(back.rows(), table.rows());
            for (ours, theirs) in table.columns().iter().zip(back.columns()) {
                assert_eq!(ours.kind(), theirs.kind(), "{}", ours.name);
                for row in 0..table.rows() {
                    assert_eq!(ours.text(row), theirs.text(row), "{} row {row}", ours.name);
                }
            }
        }
    }

    #[test]
    fn roles_name_existing_columns_and_labels_cover_the_actions() {
        let generated = generate(&spec(Scenario::PRESETS[0], 1)).unwrap();
        let table = &generated.tables[0];
        let roles = &generated.roles;
        assert_eq!((roles.x1.len(), roles.x2.len()), (7, 8));
        for name in roles.x1.iter().chain(&roles.x2).chain([&roles.y]) {
            assert!(table.column(name).is_ok(), "{name}");
        }
        let (codes, levels) = table.column("action").unwrap().as_categories();
        assert_eq!(levels, ACTIONS);
        for action in 0..4 {
            assert!(codes.contains(&action), "action {action} never chosen");
        }
    }

    #[test]
    fn bad_specs_are_refused() {
        let mut bad = spec(Scenario::PRESETS[0], 1);
        bad.samples = 0;
        assert!(matches!(
            generate(&bad),
            Err(ScenarioError::SampleCount { .. })
        ));
        bad.samples = MAX_SAMPLES + 1;
        assert!(matches!(
            generate(&bad),
            Err(ScenarioError::SampleCount { .. })
        ));
        let empty = spec(
            Scenario::Synthetic {
                mix: LatentMix::default(),
            },
            1,
        );
        assert_eq!(generate(&empty), Err(ScenarioError::EmptyMix));
    }

    #[test]
    fn specs_round_trip_through_json_and_names_are_distinct() {
        let names: Vec<String> = Scenario::PRESETS.iter().map(|s| s.name()).collect();
        for (i, scenario) in Scenario::PRESETS.into_iter().enumerate() {
            assert!(!names[..i].contains(&names[i]));
            let spec = ScenarioSpec::new(scenario);
            let json = serde_json::to_string(&spec).unwrap();
            assert_eq!(serde_json::from_str::<ScenarioSpec>(&json).unwrap(), spec);
        }
        let json = r#"{"scenario":{"kind":"synthetic","mix":{"redundant":true,"synergy":true}},"seed":3,"samples":10}"#;
        let spec: ScenarioSpec = serde_json::from_str(json).unwrap();
        assert_eq!(
            spec.scenario,
            Scenario::Synthetic {
                mix: LatentMix {
                    redundant: true,
                    synergy: true,
                    ..LatentMix::default()
                }
            }
        );
        assert_eq!(names[6], "synthetic_D_S");
    }
}
