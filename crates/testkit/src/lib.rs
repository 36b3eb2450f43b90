//! What every test binary of the workspace shares: a server process on a
//! free loopback port polled until it answers (moto, LocalStack, the fault
//! proxy), one HTTP request with no client library, the Docker gate, and
//! where the repository is. A dev-dependency only: nothing here is linked
//! into cloudgrade.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::ops::Deref;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The workspace's root (where `scenarios/`, `features/` and `scripts/` are).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Whether this is CI (`CI` set to anything but empty, `false` or `0`):
/// there a test that needs Docker or an emulator fails instead of skipping.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// A loopback port nobody listens on right now (it may be taken before it
/// is used: [`Server::start`] retries).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// One HTTP/1.1 request with no body to a loopback port, the whole answer
/// as text; `None` when nothing answers (a server still starting).
pub fn http(port: u16, method: &str, path: &str) -> Option<String> {
    let mut s =
        TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_millis(500))
            .ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    Some(out)
}

/// Whether an HTTP answer's status line is 200.
pub fn is_ok(answer: &str) -> bool {
    answer.starts_with("HTTP/1.1 200") || answer.starts_with("HTTP/1.0 200")
}

/// How to start a server and know it is ready.
pub struct Launch<'a> {
    /// For the panic when it never becomes ready.
    pub name: &'a str,
    /// Free ports race between tests: how many to try.
    pub tries: usize,
    /// How long one start may take to become ready.
    pub ready_within: Duration,
    /// How long it gets to stop after SIGTERM before SIGKILL (zero: SIGKILL
    /// at once, for servers with nothing to shut down).
    pub grace: Duration,
}

/// A server process on a loopback port, stopped when dropped.
pub struct Server {
    child: Child,
    pub port: u16,
    grace: Duration,
}

impl Server {
    /// Spawns `command(port)` on a free port until `ready(port)` says so,
    /// trying another port when the process exits first (it lost the port)
    /// or does not become ready in time.
    pub fn start(
        launch: Launch,
        mut command: impl FnMut(u16) -> Command,
        ready: impl Fn(u16) -> bool,
    ) -> Server {
        for _ in 0..launch.tries {
            let port = free_port();
            let mut cmd = command(port);
            cmd.stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            let child = cmd
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {} ({e})", launch.name));
            let mut server = Server {
                child,
                port,
                grace: launch.grace,
            };
            let start = Instant::now();
            while start.elapsed() < launch.ready_within {
                if let Ok(Some(_)) = server.child.try_wait() {
                    break;
                }
                if ready(port) {
                    return server;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            server.stop();
        }
        panic!(
            "{} did not become ready on {} ports",
            launch.name, launch.tries
        );
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// SIGTERM lets a server stop its services; SIGKILL after the grace.
    fn stop(&mut self) {
        if !self.grace.is_zero() {
            let _ = Command::new("kill")
                .args(["-TERM", &self.child.id().to_string()])
                .status();
            let start = Instant::now();
            while start.elapsed() < self.grace {
                if let Ok(Some(_)) = self.child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A moto server for one test (`CLOUDGRADE_MOTO_SERVER`, else
/// `moto_server` on PATH: `scripts/setup-moto.sh` installs it).
pub struct Moto(Server);

impl Moto {
    pub fn start() -> Moto {
        Moto::with_env(&[])
    }

    /// With environment variables for moto (`INITIAL_NO_AUTH_ACTION_COUNT`
    /// for IAM enforcement, say).
    pub fn with_env(env: &[(&str, &str)]) -> Moto {
        let exe = std::env::var("CLOUDGRADE_MOTO_SERVER").unwrap_or_else(|_| "moto_server".into());
        let launch = Launch {
            name: "moto_server (scripts/setup-moto.sh installs it)",
            tries: 5,
            ready_within: Duration::from_secs(30),
            grace: Duration::ZERO,
        };
        let command = |port: u16| {
            let mut c = Command::new(&exe);
            c.args(["-H", "127.0.0.1", "-p", &port.to_string()])
                .envs(env.iter().copied());
            c
        };
        Moto(Server::start(launch, command, |port| {
            http(port, "GET", "/moto-api/").is_some_and(|r| is_ok(&r))
        }))
    }

    /// Forgets every resource: the next world starts from an empty account.
    pub fn reset(&self) {
        let r = http(self.port, "POST", "/moto-api/reset").expect("moto reset");
        assert!(r.contains(" 200 "), "moto reset: {r}");
    }
}

impl Deref for Moto {
    type Target = Server;
    fn deref(&self) -> &Server {
        &self.0
    }
}

/// `true` when Docker answers and holds `images` (built by
/// `scripts/build-images.sh`); `false`, after saying why, when a test may
/// skip; a panic in CI, where skipping would hide a broken setup.
pub fn docker_with_images(images: &[&str]) -> bool {
    let why = match Command::new("docker")
        .args(["version", "--format", "{{.Server.Version}}"])
        .output()
    {
        Err(e) => Some(format!("no se pudo ejecutar `docker`: {e}")),
        Ok(o) if !o.status.success() => Some(format!(
            "Docker no responde: {}",
            String::from_utf8_lossy(&o.stderr).trim()
        )),
        Ok(_) => {
            let missing: Vec<&str> = images
                .iter()
                .copied()
                .filter(|i| {
                    !Command::new("docker")
                        .args(["image", "inspect", i])
                        .output()
                        .is_ok_and(|o| o.status.success())
                })
                .collect();
            (!missing.is_empty()).then(|| {
                format!(
                    "faltan imágenes {} (ejecuta scripts/build-images.sh)",
                    missing.join(", ")
                )
            })
        }
    };
    match why {
        None => true,
        Some(why) if in_ci() => panic!("CI=true y este test necesita Docker: {why}"),
        Some(why) => {
            eprintln!("SKIP (fuera de CI): {why}");
            false
        }
    }
}
