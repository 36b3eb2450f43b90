//! The emulator container: started from the locally built image, answering
//! AWS calls on a loopback port, gone once dropped.

mod common;

use std::time::Duration;

use cloudgrade_container::daemon::{self, Session};
use cloudgrade_container::{emulator, http};

const IMAGE: &str = "cloudgrade-test/moto:latest";

#[test]
fn the_emulator_answers_on_loopback_and_is_removed_when_dropped() {
    if !common::docker_with_images(&[IMAGE]) {
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let session = Session::new();
    let leftovers = rt.block_on(async {
        let docker = daemon::connect().await.unwrap();
        let emu = emulator::start(&session, IMAGE, None).await.unwrap();
        assert!(
            emu.endpoint.starts_with("http://127.0.0.1:"),
            "{}",
            emu.endpoint
        );
        assert!(
            emu.ready_after < Duration::from_secs(30),
            "{:?}",
            emu.ready_after
        );
        let port: u16 = emu.endpoint.rsplit(':').next().unwrap().parse().unwrap();
        assert_eq!(
            http::get_status(port, "/moto-api/", Duration::from_secs(5)).await,
            Ok(200)
        );
        drop(emu);
        session.sweep(&docker).await
    });
    assert_eq!(
        leftovers, 0,
        "dropping the emulator removed its container already"
    );
    assert!(common::leftover_containers(&session.id).is_empty());
}

#[test]
fn an_emulator_that_exits_says_so_with_its_last_lines() {
    if !common::docker_with_images(&["cloudgrade-test/base:1.35"]) {
        return;
    }
    // busybox's shell exits at once: no emulator ever answers.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let session = Session::new();
    let err = rt.block_on(async {
        let docker = daemon::connect().await.unwrap();
        let r = emulator::start(&session, "cloudgrade-test/base:1.35", Some(5000)).await;
        session.sweep(&docker).await;
        r.err().expect("not an emulator")
    });
    let msg = err.to_string();
    assert!(
        msg.contains("terminó") && msg.contains("cloudgrade-test/base:1.35"),
        "{msg}"
    );
}
