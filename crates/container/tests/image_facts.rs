//! The image source against every docker world: the facts it observes by
//! running each image for real. (Verdicts are checked end to end by the
//! grader's own tests; these pin the observations they rest on.)

mod common;

use cloudgrade_container::daemon::{self, Session};
use cloudgrade_container::image::run_image;

fn run(image: &str) -> (cloudgrade_model::DockerImage, Vec<cloudgrade_model::Gap>) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let docker = daemon::connect().await.unwrap();
        let session = Session::new();
        let out = run_image(&docker, &session, image).await;
        session.sweep(&docker).await;
        out.unwrap()
    })
}

#[test]
fn reference_image_runs_as_designed() {
    if !common::docker_with_images(&["cloudgrade-test/docker-reference"]) {
        return;
    }
    let (img, gaps) = run("cloudgrade-test/docker-reference");
    assert!(gaps.is_empty(), "{gaps:?}");
    assert_eq!(img.user.as_deref(), Some("10001:10001"));
    assert_eq!(img.pid1_uid, Some(10001));
    let health = img.health.expect("health observed");
    assert_eq!(health.status, "healthy", "{health:?}");
    assert!(
        health.healthy_after_secs.is_some_and(|s| s < 13.0),
        "{health:?}"
    );
    assert_eq!(img.health_endpoint.len(), 1);
    assert_eq!(
        img.health_endpoint[0].status,
        Some(200),
        "{:?}",
        img.health_endpoint
    );
    let stop = img.stop.expect("stop observed");
    assert!(
        !stop.killed && stop.exit_code == Some(0) && stop.seconds < 5.0,
        "{stop:?}"
    );
}

#[test]
fn root_image_is_seen_running_as_uid_0() {
    if !common::docker_with_images(&["cloudgrade-test/docker-root-user"]) {
        return;
    }
    let (img, _) = run("cloudgrade-test/docker-root-user");
    assert_eq!(img.user, None);
    assert_eq!(img.pid1_uid, Some(0));
}

#[test]
fn an_image_that_ignores_sigterm_is_killed_after_the_wait() {
    if !common::docker_with_images(&["cloudgrade-test/docker-ignores-sigterm"]) {
        return;
    }
    let (img, _) = run("cloudgrade-test/docker-ignores-sigterm");
    let stop = img.stop.expect("stop observed");
    assert!(stop.killed, "{stop:?}");
    assert!(stop.seconds >= 12.0, "{stop:?}");
    assert_eq!(stop.exit_code, Some(137), "{stop:?}");
}

#[test]
fn missing_health_route_answers_404_and_no_healthcheck_means_no_health() {
    if !common::docker_with_images(&[
        "cloudgrade-test/docker-health-404",
        "cloudgrade-test/docker-no-healthcheck",
    ]) {
        return;
    }
    let (img, _) = run("cloudgrade-test/docker-health-404");
    assert_eq!(img.health_endpoint[0].status, Some(404));
    assert_eq!(img.health.map(|h| h.status).as_deref(), Some("healthy"));
    let (img, gaps) = run("cloudgrade-test/docker-no-healthcheck");
    assert!(
        img.healthcheck.is_none() && img.health.is_none() && gaps.is_empty(),
        "{gaps:?}"
    );
    assert_eq!(img.health_endpoint[0].status, Some(200));
}

#[test]
fn a_missing_image_is_one_clear_error() {
    if !common::docker_with_images(&[]) {
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let err = rt.block_on(async {
        let docker = daemon::connect().await.unwrap();
        run_image(&docker, &Session::new(), "cloudgrade-test/does-not-exist:0")
            .await
            .unwrap_err()
    });
    let msg = err.to_string();
    eprintln!("{msg}");
    assert!(
        msg.contains("cloudgrade-test/does-not-exist:0") && !msg.contains('\n'),
        "{msg}"
    );
}

#[test]
fn a_shell_less_image_is_read_through_docker_top() {
    if !common::docker_with_images(&["cloudgrade-test/noshell"]) {
        return;
    }
    // No `cat` inside: `docker exec` fails and the uid comes from `docker top`.
    let (img, gaps) = run("cloudgrade-test/noshell");
    assert!(gaps.is_empty(), "{gaps:?}");
    assert_eq!(img.pid1_uid, Some(4321));
    assert_eq!(img.health_endpoint[0].status, Some(200));
    // busybox httpd as PID 1 installs no SIGTERM handler either.
    assert!(img.stop.is_some_and(|s| s.killed));
}
