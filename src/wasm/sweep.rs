//! The sensitivity sweep's exports ("How stable is this?", `analysis::sweep`): the engine
//! plans the points and discretises and solves each one; the page spreads each point's
//! replicates over its pool with `uncertaintyReplicates`, as for a single result.

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use super::{boundary, from_js, roles_and_settings, to_js, JsResult, UncertaintyInput, Workspace};
use crate::analysis::{
    sweep_dataset, sweep_plan, sweep_reading, sweep_table, SweepAxis, SweepPoint, SweepSetting,
    SweepTable,
};
use crate::pid::Decomposition;
use crate::rigor::Uncertainty;
use crate::table::TableStats;

/// One axis of the page's sweep: its points, or why it does not apply.
#[derive(Serialize)]
struct PlannedAxis {
    axis: SweepAxis,
    points: Vec<SweepSetting>,
    skipped: Option<String>,
}

/// A point discretised and solved, as it travels to the page and back.
#[derive(Serialize, Deserialize)]
struct TableOfPoint {
    setting: SweepSetting,
    pid: Decomposition,
    certificate_bits: f64,
    stats: TableStats,
    input: UncertaintyInput,
}

#[wasm_bindgen]
impl Workspace {
    /// Assembles the loaded files' rows for a sweep (kept for [`Workspace::sweep_table`])
    /// and lists every axis's points.
    #[wasm_bindgen(js_name = sweepPlan)]
    pub fn sweep_plan_js(&mut self, roles: JsValue, settings: JsValue) -> JsResult {
        boundary(|| {
            let (roles, settings) = roles_and_settings(roles, settings)?;
            let dataset = sweep_dataset(&self.tables, Some(&roles), &settings)?;
            let axes: Vec<PlannedAxis> = SweepAxis::ALL
                .into_iter()
                .map(|axis| match sweep_plan(&dataset, &settings, axis) {
                    Ok(points) => PlannedAxis {
                        axis,
                        points,
                        skipped: None,
                    },
                    Err(e) => PlannedAxis {
                        axis,
                        points: Vec::new(),
                        skipped: Some(e.to_string()),
                    },
                })
                .collect();
            self.sweep = Some(dataset);
            to_js(&axes)
        })
    }

    /// One planned point discretised and solved, with the rows for its uncertainty.
    #[wasm_bindgen(js_name = sweepTable)]
    pub fn sweep_table_js(&self, setting: JsValue) -> JsResult {
        boundary(|| {
            let setting: SweepSetting = from_js(setting)?;
            let dataset = self.sweep.as_ref().ok_or_else(|| {
                crate::analysis::AnalysisError::InvalidSetting("no sweep was planned".into())
            })?;
            let table = sweep_table(dataset, &setting)?;
            to_js(&TableOfPoint {
                input: UncertaintyInput::of(&table.samples),
                setting: table.setting,
                pid: table.pid,
                certificate_bits: table.certificate_bits,
                stats: table.stats,
            })
        })
    }
}

/// A solved point joined with its uncertainty (`null`: plug-in only).
#[wasm_bindgen(js_name = sweepPoint)]
pub fn sweep_point_js(table: JsValue, uncertainty: JsValue) -> JsResult {
    boundary(|| {
        let part: TableOfPoint = from_js(table)?;
        let uncertainty: Option<Uncertainty> = from_js(uncertainty)?;
        let table = SweepTable {
            samples: part.input.samples()?,
            setting: part.setting,
            pid: part.pid,
            certificate_bits: part.certificate_bits,
            stats: part.stats,
        };
        to_js(&SweepPoint::of(&table, uncertainty.as_ref()))
    })
}

/// The sentence on what moves along one axis, in the unit `per_bit` and `unit` give.
#[wasm_bindgen(js_name = sweepReading)]
pub fn sweep_reading_js(points: JsValue, per_bit: f64, unit: &str) -> JsResult<String> {
    boundary(|| {
        let points: Vec<SweepPoint> = from_js(points)?;
        Ok(sweep_reading(&points, per_bit, unit))
    })
}
