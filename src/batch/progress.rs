//! How a batch tells the instructor where it is: a progress bar on a
//! terminal, one plain line per student otherwise (CI logs, `| tee`).

use std::io::{IsTerminal, Write};
use std::sync::Mutex;

use indicatif::{ProgressBar, ProgressStyle};

use super::manifest::{Status, StudentEntry};

pub trait Progress: Sync {
    fn start(&self, total: usize);
    fn finished(&self, entry: &StudentEntry, points: Option<(f64, f64)>);
    fn end(&self);
}

/// A bar on a terminal's stderr, plain lines when it is not one.
pub fn for_stderr() -> Box<dyn Progress> {
    if std::io::stderr().is_terminal() {
        Box::new(Bar(ProgressBar::hidden()))
    } else {
        Box::new(Lines::default())
    }
}

pub struct Silent;

impl Progress for Silent {
    fn start(&self, _: usize) {}
    fn finished(&self, _: &StudentEntry, _: Option<(f64, f64)>) {}
    fn end(&self) {}
}

fn line(entry: &StudentEntry, points: Option<(f64, f64)>) -> String {
    let what = match (entry.status, points) {
        (Status::Graded, Some((p, m))) => format!(
            "{} / {} puntos",
            crate::report::points(p),
            crate::report::points(m)
        ),
        (Status::KeptPrevious, _) => format!(
            "se conserva la corrección anterior ({})",
            entry.reason.as_deref().unwrap_or("")
        ),
        _ => format!(
            "NO CORREGIDO: {}",
            entry.reason.as_deref().unwrap_or("sin motivo")
        ),
    };
    format!(
        "{}: {what} ({:.1} s)",
        entry.student_id,
        entry.elapsed_ms / 1000.0
    )
}

#[derive(Default)]
pub struct Lines {
    state: Mutex<(usize, usize)>,
}

impl Progress for Lines {
    fn start(&self, total: usize) {
        if let Ok(mut s) = self.state.lock() {
            *s = (0, total);
        }
    }
    fn finished(&self, entry: &StudentEntry, points: Option<(f64, f64)>) {
        let Ok(mut s) = self.state.lock() else { return };
        s.0 += 1;
        // Under the lock, so lines from concurrent workers never interleave.
        let _ = writeln!(
            std::io::stderr(),
            "[{}/{}] {}",
            s.0,
            s.1,
            line(entry, points)
        );
    }
    fn end(&self) {}
}

pub struct Bar(ProgressBar);

impl Progress for Bar {
    fn start(&self, total: usize) {
        self.0.set_length(total as u64);
        self.0
            .set_draw_target(indicatif::ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} alumnos ({per_sec}, quedan {eta}) {msg}",
        ) {
            self.0.set_style(style);
        }
    }
    fn finished(&self, entry: &StudentEntry, points: Option<(f64, f64)>) {
        // Failures stay on screen; successes only move the bar.
        if entry.status != Status::Graded {
            self.0.println(line(entry, points));
        }
        self.0.set_message(entry.student_id.clone());
        self.0.inc(1);
    }
    fn end(&self) {
        self.0.finish_and_clear();
    }
}
