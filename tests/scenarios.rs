//! Each generated scenario, analysed like a user's file with its recommended settings,
//! has the decomposition it is built for.
// Native only: several k-means and CVX runs, no browser needed.
#![cfg(not(target_arch = "wasm32"))]

use pidscope::analysis::analyse;
use pidscope::examples::Atom;
use pidscope::pid::Pid;
use pidscope::scenarios::{generate, LatentMix, RobotSetting, Scenario, ScenarioSpec};

/// The PID of `scenario` for `seed` with 3000 samples.
fn pid_of(scenario: Scenario, seed: u64) -> Pid {
    let spec = ScenarioSpec {
        scenario,
        seed,
        samples: 3000,
    };
    let generated = generate(&spec).unwrap();
    let analysis = analyse(
        &generated.tables,
        Some(&generated.roles),
        &generated.recommended,
        &mut |_| {},
    )
    .unwrap();
    analysis.dataset.pid
}

fn robot(setting: RobotSetting) -> Scenario {
    Scenario::Robot { setting }
}

/// `atom` is strictly the largest of the four.
fn assert_largest(pid: &Pid, atom: Atom, what: &str) {
    assert_eq!(
        Atom::dominant(pid, 0.0),
        [atom],
        "{what}: R {:.3} U1 {:.3} U2 {:.3} S {:.3}",
        pid.redundancy,
        pid.unique1,
        pid.unique2,
        pid.synergy
    );
}

#[test]
fn robot_settings_have_their_intended_profiles() {
    for seed in [1, 2] {
        let corridor = pid_of(robot(RobotSetting::Corridor), seed);
        assert_largest(&corridor, Atom::Redundancy, "corridor");
        let storage = pid_of(robot(RobotSetting::StorageRoom), seed);
        assert!(
            storage.unique2 > corridor.unique2 + 0.5,
            "storage room U2 {:.3} vs corridor {:.3}",
            storage.unique2,
            corridor.unique2
        );
        assert!(storage.unique2 > storage.unique1);
        assert_largest(&storage, Atom::Unique2, "storage room");
        let glass = pid_of(robot(RobotSetting::GlassDoor), seed);
        assert_largest(&glass, Atom::Synergy, "glass door");
    }
}

#[test]
fn synthetic_datasets_have_their_intended_dominant_atom() {
    for atom in Atom::ALL {
        let pid = pid_of(
            Scenario::Synthetic {
                mix: LatentMix::only(atom),
            },
            1,
        );
        assert_largest(&pid, atom, &LatentMix::only(atom).name());
    }
}

#[test]
fn every_preset_states_the_atom_it_produces() {
    for scenario in Scenario::PRESETS {
        let generated = generate(&ScenarioSpec::new(scenario)).unwrap();
        assert_eq!(generated.intended, scenario.intended());
        assert!(generated.intended.is_some(), "{}", scenario.name());
    }
}

#[test]
fn a_mix_carries_each_of_its_parts() {
    let mix = LatentMix {
        redundant: true,
        synergy: true,
        ..LatentMix::default()
    };
    let pid = pid_of(Scenario::Synthetic { mix }, 1);
    assert!(pid.redundancy > 0.3 && pid.synergy > 0.15, "{pid:?}");
    assert!(pid.unique1 < 0.1 && pid.unique2 < 0.1, "{pid:?}");
}
