//! The page of each activity in `docs/actividades/`: what is graded, with how
//! many points and under which standard, which steps check it and which
//! sources answer them. Made from the features and the step catalog
//! (`cloudgrade rules --out docs/actividades`), so a page cannot say what the
//! grader does not do; a test fails when the committed pages differ.

use std::collections::BTreeSet;
use std::fmt::Write;

use crate::grade::{DEFAULT_POINTS, Plan, Standard};
use crate::steps::{self, Answers, Match};

/// The tag that names a scenario's activity.
const ACTIVITY: &str = "actividad";

pub struct Page {
    pub activity: String,
    /// `<activity>.md`.
    pub file_name: String,
    pub markdown: String,
}

const GENERATED: &str = "<!-- Generado por `cloudgrade rules --out docs/actividades` a partir de \
                         features/ y de los pasos: no lo edites a mano. -->";

/// One page per activity, in the order of the activities' names.
pub fn pages(plan: &Plan) -> Vec<Page> {
    let activities: BTreeSet<String> = plan
        .scenarios
        .iter()
        .filter_map(|s| tag(&s.tags, ACTIVITY))
        .collect();
    activities
        .into_iter()
        .map(|activity| Page {
            file_name: format!("{activity}.md"),
            markdown: page(plan, &activity),
            activity,
        })
        .collect()
}

/// The folder's README: one line per activity, with its points.
pub fn index(plan: &Plan, pages: &[Page]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Actividades\n\n{GENERATED}\n");
    let _ = writeln!(
        out,
        "Lo que cloudgrade corrige de cada actividad del módulo: escenarios, puntos, \
         estándar (`--standard curso`, el de por defecto, o `produccion`) y qué fuente \
         responde a cada uno.\n"
    );
    let _ = writeln!(
        out,
        "| actividad | escenarios | puntos (curso) | puntos (producción) |\n|---|---|---|---|"
    );
    for p in pages {
        let scenarios = of_activity(plan, &p.activity);
        let _ = writeln!(
            out,
            "| [{a}]({f}) | {n} | {c} | {pr} |",
            a = p.activity,
            f = p.file_name,
            n = scenarios.len(),
            c = points_under(&scenarios, Standard::Curso),
            pr = points_under(&scenarios, Standard::Produccion),
        );
    }
    out
}

type Scenario = crate::grade::PlannedScenario;

fn of_activity<'p>(plan: &'p Plan, activity: &str) -> Vec<&'p Scenario> {
    plan.scenarios
        .iter()
        .filter(|s| tag(&s.tags, ACTIVITY).as_deref() == Some(activity))
        .collect()
}

fn page(plan: &Plan, activity: &str) -> String {
    let scenarios = of_activity(plan, activity);
    let mut out = String::new();
    let _ = writeln!(out, "# Actividad «{activity}»\n\n{GENERATED}\n");
    let _ = writeln!(
        out,
        "{} escenarios: {} puntos con el estándar del curso, {} con el de producción.",
        scenarios.len(),
        points_under(&scenarios, Standard::Curso),
        points_under(&scenarios, Standard::Produccion),
    );
    let mut feature = "";
    for s in scenarios {
        if s.feature != feature {
            feature = &s.feature;
            let _ = writeln!(out, "\n## {feature}");
        }
        scenario(&mut out, s);
    }
    out
}

fn scenario(out: &mut String, s: &Scenario) {
    let standards: Vec<&str> = Standard::ALL
        .into_iter()
        .filter(|st| st.admits(&s.tags))
        .map(Standard::label_es)
        .collect();
    let hidden = if crate::grade::is_hidden(&s.tags) {
        " · oculto (solo con `--instructor`)"
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "\n### `{id}` · {p} · estándar: {st}{hidden}\n\n**{name}** (`{file}:{line}`)\n\nComprueba:",
        id = s.id,
        p = if crate::grade::is_bonus(&s.tags) {
            format!("{} de bonus", points_text(points(s)))
        } else {
            points_text(points(s))
        },
        st = if standards.is_empty() {
            "ninguno (etiqueta @estandar: desconocida)".to_string()
        } else {
            standards.join(" y ")
        },
        name = s.name,
        file = s.file,
        line = s.line,
    );
    let mut answers = BTreeSet::new();
    for step in &s.steps {
        let doc = match steps::find(&step.text) {
            Match::One(def, _) => {
                answers.insert(def.answers);
                def.doc.to_string()
            }
            Match::Undefined => "frase sin definir: el escenario es un error del corrector".into(),
            Match::Ambiguous(_) => "frase ambigua: el escenario es un error del corrector".into(),
        };
        let _ = writeln!(out, "- *{} {}*: {doc}", step.keyword.trim(), step.text);
    }
    let sources: Vec<&str> = answers.into_iter().map(Answers::sources_es).collect();
    if !sources.is_empty() {
        let _ = writeln!(out, "\nResponde {}.", sources.join("; y "));
    }
    if let Some(hint) = &s.hint {
        let _ = writeln!(out, "\nPista: {hint}");
    }
}

fn tag(tags: &[String], key: &str) -> Option<String> {
    tags.iter().rev().find_map(|t| {
        let (k, v) = t.split_once(':')?;
        (k == key).then(|| v.to_string())
    })
}

fn points(s: &Scenario) -> f64 {
    tag(&s.tags, "puntos")
        .or_else(|| tag(&s.tags, "points"))
        .and_then(|v| v.replace(',', ".").parse().ok())
        .unwrap_or(DEFAULT_POINTS)
}

fn points_under(scenarios: &[&Scenario], standard: Standard) -> String {
    // From 0.0: an empty f64 sum is -0.
    let (mut asked, mut bonus) = (0.0, 0.0);
    for s in scenarios
        .iter()
        .filter(|s| standard.admits(&s.tags) && !crate::grade::is_hidden(&s.tags))
    {
        if crate::grade::is_bonus(&s.tags) {
            bonus += points(s);
        } else {
            asked += points(s);
        }
    }
    if bonus > 0.0 {
        format!(
            "{} (+{} de bonus)",
            format_points(asked),
            format_points(bonus)
        )
    } else {
        format_points(asked)
    }
}

fn points_text(p: f64) -> String {
    let n = format_points(p);
    if p == 1.0 {
        format!("{n} punto")
    } else {
        format!("{n} puntos")
    }
}

fn format_points(p: f64) -> String {
    if p.fract() == 0.0 {
        format!("{p:.0}")
    } else {
        format!("{p}")
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::grade::{FeatureSource, plan};

    fn shipped() -> Plan {
        plan(&FeatureSource::Embedded.load().unwrap())
    }

    /// The pages are the features', so an edit to a feature that forgets
    /// them fails here, with the command that mends it.
    #[test]
    fn the_committed_pages_are_the_generated_ones() {
        let plan = shipped();
        let pages = pages(&plan);
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/actividades");
        let mut want: Vec<(String, String)> = pages
            .iter()
            .map(|p| (p.file_name.clone(), p.markdown.clone()))
            .collect();
        want.push(("README.md".into(), index(&plan, &pages)));
        want.sort();
        let mut have: Vec<(String, String)> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| {
                let path = e.unwrap().path();
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                (name, std::fs::read_to_string(&path).unwrap())
            })
            .collect();
        have.sort();
        let names = |v: &[(String, String)]| v.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
        assert_eq!(
            names(&have),
            names(&want),
            "cloudgrade rules --out docs/actividades"
        );
        for ((name, h), (_, w)) in have.iter().zip(&want) {
            assert!(
                h == w,
                "docs/actividades/{name} is stale: cloudgrade rules --out docs/actividades"
            );
        }
    }

    #[test]
    fn every_shipped_scenario_has_an_activity_a_known_standard_and_defined_steps() {
        let plan = shipped();
        assert!(plan.broken.is_empty());
        for s in &plan.scenarios {
            assert!(
                tag(&s.tags, ACTIVITY).is_some(),
                "{} has no @actividad:",
                s.id
            );
            for t in s.tags.iter().filter_map(|t| t.strip_prefix("estandar:")) {
                assert!(t.parse::<Standard>().is_ok(), "{}: @estandar:{t}", s.id);
            }
            for step in &s.steps {
                assert!(
                    matches!(steps::find(&step.text), Match::One(..)),
                    "{}: {}",
                    s.id,
                    step.text
                );
            }
        }
    }

    #[test]
    fn a_page_names_points_standard_steps_sources_and_hint() {
        let plan = shipped();
        let ecs = pages(&plan)
            .into_iter()
            .find(|p| p.activity == "ecs")
            .unwrap();
        let md = &ecs.markdown;
        assert!(
            md.contains("### `ecs-private-no-public-ip` · 3 puntos · estándar: producción\n"),
            "{md}"
        );
        // The production-only scenario's 3 points count under production alone.
        let line = md
            .lines()
            .find(|l| l.contains(" puntos con el estándar del curso, "))
            .expect("the totals line");
        // The activity's bonus, said beside each total, is not part of it.
        let without_bonus: String = line
            .split(" (+")
            .map(|part| part.split_once(')').map_or(part, |(_, rest)| rest))
            .collect();
        let totals: Vec<u32> = without_bonus
            .split(|c: char| !c.is_ascii_digit())
            .filter_map(|n| n.parse().ok())
            .collect();
        assert_eq!(totals[2], totals[1] + 3, "{totals:?}: {md}");
        assert!(
            md.contains("- *Dados los servicios ECS*: Selecciona todos los servicios ECS."),
            "{md}"
        );
        assert!(md.contains("Responde el Terraform"), "{md}");
        assert!(md.contains("Pista: el curso (ejercicio 4.2)"), "{md}");
        let docker = pages(&plan)
            .into_iter()
            .find(|p| p.activity == "docker")
            .unwrap();
        assert!(
            docker
                .markdown
                .contains("Responde la imagen, ejecutada en Docker")
        );
        assert!(docker.markdown.contains("Responde el Dockerfile"));
    }
}
