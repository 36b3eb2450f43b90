//! Docker missing: one clear line, quickly, never a hang or a panic. Alone in
//! its test binary because it points DOCKER_HOST elsewhere for the process.

use std::time::{Duration, Instant};

use cloudgrade_container::{ContainerError, ErrorClass, ImageRequest, collect_image};

#[test]
fn an_unreachable_daemon_is_one_line_within_seconds() {
    // SAFETY: the only test in this binary, run before any thread that
    // could read the environment exists.
    unsafe { std::env::set_var("DOCKER_HOST", "unix:///nonexistent/docker.sock") };
    let t = Instant::now();
    let err = collect_image(&ImageRequest {
        image: Some("cloudgrade-test/docker-reference".into()),
        dockerfile: None,
    })
    .expect_err("no daemon, no image run");
    let took = t.elapsed();
    assert!(
        matches!(err, ContainerError::DockerUnavailable(_)),
        "{err:?}"
    );
    assert_eq!(err.class(), ErrorClass::SourceUnreadable);
    let msg = err.to_string();
    assert!(
        msg.contains("/nonexistent/docker.sock") && !msg.contains('\n'),
        "{msg}"
    );
    assert!(took < Duration::from_secs(5), "took {took:?}");

    // A socket that exists but answers nothing is also bounded by the ping.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("silent.sock");
    let _listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
    unsafe { std::env::set_var("DOCKER_HOST", format!("unix://{}", path.display())) };
    let t = Instant::now();
    let err = collect_image(&ImageRequest {
        image: Some("x".into()),
        dockerfile: None,
    })
    .expect_err("silent daemon");
    assert!(
        matches!(err, ContainerError::DockerUnavailable(_)),
        "{err:?}"
    );
    assert!(
        t.elapsed() < Duration::from_secs(8),
        "took {:?}",
        t.elapsed()
    );
}
