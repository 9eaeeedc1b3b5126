//! Writers at once: several `steward` processes adding and editing systems in one workspace.
//! Each waits its turn (SQLite's lock, `BUSY_WAIT`); nothing is lost and the chain stays linear.

use std::path::Path;

use crate::support;

#[test]
fn concurrent_writers_lose_nothing() {
    let plan = support::plan();
    let root = tempfile::tempdir().expect("temp dir");
    let data = root.path().join("data");
    assert!(support::run(&data, &["demo"]).status.success());
    let systems = support::count(&data, &["systems", "list"]);
    let chain = support::verified_length(&data);

    let start = std::time::Instant::now();
    std::thread::scope(|s| {
        for w in 0..plan.writers {
            let data: &Path = &data;
            let ops = plan.ops;
            s.spawn(move || {
                let mine = format!("Writer {w} model");
                for k in 0..ops {
                    let out = if k == 0 {
                        support::run(
                            data,
                            &[
                                "systems",
                                "add",
                                "--name",
                                &mine,
                                "--unit",
                                "Operations",
                                "--owner",
                                "Faults",
                                "--sourcing",
                                "in_house",
                                "--stage",
                                "development",
                                "--domain",
                                "none",
                                "--risk",
                                "low",
                                "--sensitivity",
                                "internal",
                            ],
                        )
                    } else {
                        support::run(
                            data,
                            &["systems", "edit", &mine, "--tags", &format!("op {k}")],
                        )
                    };
                    assert!(
                        out.status.success(),
                        "writer {w}, operation {k}: {}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                }
            });
        }
    });
    let took = start.elapsed();

    assert_eq!(
        support::count(&data, &["systems", "list"]),
        systems + plan.writers,
        "every writer's system is there"
    );
    let length = support::verified_length(&data);
    assert_eq!(
        length,
        chain + (plan.writers * plan.ops) as u64,
        "one audit entry per operation, in one linear chain"
    );
    if plan.ops > 1 {
        for w in 0..plan.writers {
            let v = support::json(&data, &["systems", "show", &format!("Writer {w} model")]);
            assert_eq!(
                v["tags"],
                serde_json::json!([format!("op {}", plan.ops - 1)]),
                "writer {w}'s last edit is the one kept"
            );
        }
    }
    println!(
        "writers: {} writers x {} operations in {:.1} s, none lost, chain of {length} verifies",
        plan.writers,
        plan.ops,
        took.as_secs_f64()
    );
}
