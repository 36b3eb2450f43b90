//! `cloudgrade merge`: the outputs of several shards (one GitHub Actions
//! matrix job or Kubernetes Job index each) combined into one gradebook and
//! summary. Shards that do not belong together are refused: another roster,
//! other features, another mode, or one student graded twice.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use super::manifest::{
    ClassResults, MANIFEST_SCHEMA, Manifest, ManifestError, RosterInfo, StudentEntry,
};

#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error("no hay nada que combinar: indica al menos una carpeta de `cloudgrade batch`")]
    Nothing,
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    #[error("{a} y {b} no son de la misma lista de alumnos ({what})")]
    Mismatch { a: String, b: String, what: String },
    #[error("alumnos corregidos en más de un fragmento (¿dos fragmentos con el mismo --shard?):\n{}", .0.join("\n"))]
    Overlap(Vec<String>),
}

pub struct Merged {
    pub manifest: Manifest,
    pub class: ClassResults,
}

/// Merges shard outputs; `out` is where the merged files will be written,
/// so report paths are made relative to it.
pub fn merge(dirs: &[PathBuf], out: &Path) -> Result<Merged, MergeError> {
    let first_dir = dirs.first().ok_or(MergeError::Nothing)?;
    let mut loaded: Vec<(PathBuf, Manifest)> = Vec::new();
    for d in dirs {
        loaded.push((d.clone(), Manifest::load(d)?));
    }
    let (_, first) = &loaded[0];
    for (dir, m) in &loaded[1..] {
        let mismatch = |what: &str| MergeError::Mismatch {
            a: first_dir.display().to_string(),
            b: dir.display().to_string(),
            what: what.to_string(),
        };
        if m.roster.sha256 != first.roster.sha256 {
            return Err(mismatch("el roster es otro archivo o ha cambiado"));
        }
        if m.scenarios != first.scenarios {
            return Err(mismatch(
                "se corrigieron con features o etiquetas distintas",
            ));
        }
        if m.instructor != first.instructor {
            return Err(mismatch("uno se corrigió con --instructor y el otro no"));
        }
        if m.standard != first.standard {
            return Err(mismatch(
                "se corrigieron con estándares distintos (--standard)",
            ));
        }
    }

    let mut seen: HashMap<String, &Path> = HashMap::new();
    let mut overlap = Vec::new();
    for (dir, m) in &loaded {
        for s in &m.students {
            match seen.get(&s.student_id.to_lowercase()) {
                Some(other) => overlap.push(format!(
                    "  {}: en {} y en {}",
                    s.student_id,
                    other.display(),
                    dir.display()
                )),
                None => {
                    seen.insert(s.student_id.to_lowercase(), dir);
                }
            }
        }
    }
    if !overlap.is_empty() {
        return Err(MergeError::Overlap(overlap));
    }

    // Reports are read from where the shards left them; the merged
    // manifest names them relative to `out`, which may not exist yet.
    let mut students: Vec<(StudentEntry, StudentEntry)> = Vec::new();
    for (dir, m) in &loaded {
        for s in &m.students {
            let mut here = s.clone();
            here.report = s.report.as_ref().map(|r| dir.join(r).display().to_string());
            let mut there = s.clone();
            there.report = s.report.as_ref().map(|r| relative(out, &dir.join(r)));
            students.push((here, there));
        }
    }
    students.sort_by_key(|(s, _)| s.roster_line);

    let mut warnings = Vec::new();
    if let Some(count) = first.shard.map(|s| s.count) {
        let have: Vec<usize> = loaded
            .iter()
            .filter_map(|(_, m)| m.shard.map(|s| s.index))
            .collect();
        let missing: Vec<String> = (1..=count)
            .filter(|k| !have.contains(k))
            .map(|k| format!("{k}/{count}"))
            .collect();
        if !missing.is_empty() {
            warnings.push(format!(
                "faltan los fragmentos {}: sus alumnos no aparecen en este resumen ni en el libro de calificaciones",
                missing.join(", ")
            ));
        }
    }
    for (dir, m) in &loaded {
        if m.partial {
            warnings.push(format!(
                "el fragmento de {} se interrumpió (Ctrl-C): sus alumnos no alcanzados no tienen nota",
                dir.display()
            ));
        }
        if let Some(r) = super::marker::running(dir) {
            warnings.push(format!(
                "en {} hay una corrección empezada el {} que no terminó: su batch.json es de la anterior, del {}",
                dir.display(),
                r.started_at,
                m.started_at
            ));
        }
    }
    if students.len() < first.roster.students {
        warnings.push(format!(
            "la lista tiene {} alumnos y solo {} están en los fragmentos combinados",
            first.roster.students,
            students.len()
        ));
    }

    let manifest = Manifest {
        schema: MANIFEST_SCHEMA.into(),
        tool_version: env!("CARGO_PKG_VERSION").into(),
        roster: RosterInfo {
            path: first.roster.path.clone(),
            sha256: first.roster.sha256.clone(),
            students: first.roster.students,
        },
        shard: None,
        started_at: loaded
            .iter()
            .map(|(_, m)| m.started_at.clone())
            .min()
            .unwrap_or_default(),
        // Shards run side by side: the class took as long as the slowest.
        wall_ms: loaded.iter().map(|(_, m)| m.wall_ms).fold(0.0, f64::max),
        instructor: first.instructor,
        tags: first.tags.clone(),
        standard: first.standard,
        scenarios: first.scenarios.clone(),
        students: students.iter().map(|(here, _)| here.clone()).collect(),
        partial: loaded.iter().any(|(_, m)| m.partial),
        assignment: first.assignment.clone(),
    };
    let mut class = ClassResults::from_manifest(&manifest, Path::new(""));
    class.warnings = warnings;
    let manifest = Manifest {
        students: students.into_iter().map(|(_, there)| there).collect(),
        ..manifest
    };
    Ok(Merged { manifest, class })
}

/// `target` as seen from `base`; both may not exist yet, so they are made
/// absolute rather than canonical.
pub fn relative(base: &Path, target: &Path) -> String {
    let abs = |p: &Path| -> PathBuf {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        };
        let mut out = PathBuf::new();
        for c in p.components() {
            match c {
                Component::CurDir => {}
                Component::ParentDir => {
                    out.pop();
                }
                c => out.push(c),
            }
        }
        out
    };
    let (base, target) = (abs(base), abs(target));
    let b: Vec<Component> = base.components().collect();
    let t: Vec<Component> = target.components().collect();
    let common = b.iter().zip(&t).take_while(|(x, y)| x == y).count();
    let mut rel = PathBuf::new();
    for _ in common..b.len() {
        rel.push("..");
    }
    for c in &t[common..] {
        rel.push(c);
    }
    rel.display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative(Path::new("/a/class"), Path::new("/a/shard-1/x/report.json")),
            "../shard-1/x/report.json"
        );
        assert_eq!(relative(Path::new("/a"), Path::new("/a/b/c")), "b/c");
        assert_eq!(relative(Path::new("/a/./b/../c"), Path::new("/a/c/d")), "d");
    }
}
