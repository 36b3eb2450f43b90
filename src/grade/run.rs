//! Running planned scenarios against an Inventory: the step lookup, the
//! verdicts and the points. Pure and synchronous: collection is over by now,
//! so a whole class's features run in microseconds per scenario.

use cloudgrade_model::Inventory;

use super::features::{BrokenFeature, Plan, PlannedScenario, tag_value};
use super::tags::TagFilter;
use crate::report::{Evidence, EvidenceStatus, ScenarioReport, StepReport, StepStatus, Verdict};
use crate::standard::Standard;
use crate::steps::{self, Match, ScenarioState, StepError, StepKind, StepResult};

/// Points of a scenario without a `@puntos:`/`@points:` tag.
pub const DEFAULT_POINTS: f64 = 1.0;

pub fn run(plan: &Plan, inv: &Inventory, filter: &TagFilter) -> Vec<ScenarioReport> {
    let mut out: Vec<ScenarioReport> = plan.broken.iter().map(broken_report).collect();
    out.extend(
        plan.scenarios
            .iter()
            .filter(|s| filter.matches(&s.tags))
            .filter(|s| filter.instructor() || !is_hidden(&s.tags))
            .map(|s| run_scenario(s, inv, filter.standard())),
    );
    out
}

/// `@oculto`/`@hidden` scenarios are the instructor's: a student's run
/// neither runs nor counts them.
pub fn is_hidden(tags: &[String]) -> bool {
    tags.iter().any(|t| t == "oculto" || t == "hidden")
}

/// `@bonus`/`@extra` scenarios reward what goes beyond the exercise: their
/// points are earned when passed and never asked for.
pub fn is_bonus(tags: &[String]) -> bool {
    tags.iter().any(|t| t == "bonus" || t == "extra")
}

fn max_points(s: &PlannedScenario) -> Result<f64, String> {
    match tag_value(&s.tags, &["puntos", "points"]) {
        None => Ok(DEFAULT_POINTS),
        Some(v) => match v.replace(',', ".").parse::<f64>() {
            Ok(p) if p.is_finite() && p >= 0.0 => Ok(p),
            _ => Err(format!(
                "la etiqueta de puntos `{v}` no es un número no negativo"
            )),
        },
    }
}

fn run_scenario(s: &PlannedScenario, inv: &Inventory, standard: Standard) -> ScenarioReport {
    let mut report = ScenarioReport {
        id: s.id.clone(),
        feature: s.feature.clone(),
        location: format!("{}:{}", s.file, s.line),
        keyword: Some(s.keyword.clone()),
        name: s.name.clone(),
        verdict: Verdict::Passed,
        points: 0.0,
        max_points: 0.0,
        ungraded_points: 0.0,
        bonus: is_bonus(&s.tags),
        tags: s.tags.clone(),
        steps: Vec::new(),
        evidence: Vec::new(),
        hint: s.hint.clone(),
        reason: None,
    };
    match max_points(s) {
        Ok(p) => report.max_points = p,
        Err(e) => {
            let reason = format!("{}: {e}", report.location);
            return grader_error(report, reason);
        }
    }
    if s.steps.is_empty() {
        let reason = format!("{}: el escenario no tiene pasos", report.location);
        return grader_error(report, reason);
    }

    // Look every step up before running any: an undefined step anywhere is
    // the grader's fault and must not hide behind an earlier failure.
    let mut resolved = Vec::with_capacity(s.steps.len());
    let mut lookup_errors = Vec::new();
    for st in &s.steps {
        let (status, found) = match steps::find(&st.text) {
            Match::One(def, args) => (StepStatus::NotReached, Some((def, args))),
            Match::Undefined => {
                lookup_errors.push(format!(
                    "{}:{}: paso no definido «{}» (`cloudgrade steps` lista las frases disponibles)",
                    s.file, st.line, st.text
                ));
                (StepStatus::Undefined, None)
            }
            Match::Ambiguous(defs) => {
                let pats: Vec<&str> = defs.iter().map(|d| d.es).collect();
                lookup_errors.push(format!(
                    "{}:{}: paso ambiguo «{}»: coincide con {}",
                    s.file,
                    st.line,
                    st.text,
                    pats.join(" y ")
                ));
                (StepStatus::Ambiguous, None)
            }
        };
        report.steps.push(StepReport {
            keyword: st.keyword.clone(),
            text: st.text.clone(),
            line: st.line,
            status,
            duration_ns: None,
        });
        resolved.push(found);
    }
    if !lookup_errors.is_empty() {
        let reason = lookup_errors.join("; ");
        return grader_error(report, reason);
    }

    let partial = s.tags.iter().any(|t| t == "parcial" || t == "partial");
    // Only a `Then` step checks anything: a scenario of selections alone
    // would pass with full points whatever the student did. Decided by the
    // definitions' kinds, whatever keyword (`Y`, `Pero`, `*`) introduced them.
    let assertions = resolved
        .iter()
        .flatten()
        .filter(|(def, _)| def.kind == StepKind::Then)
        .count();
    if assertions == 0 {
        let reason = format!(
            "{}: el escenario no comprueba nada: ninguno de sus pasos es una comprobación («Entonces …»)",
            report.location
        );
        return grader_error(report, reason);
    }
    let mut state = ScenarioState::new(inv);
    state.standard = standard;
    let (mut passed, mut unknown) = (0usize, 0usize);
    let mut outcomes = Outcomes::default();
    for (i, found) in resolved.into_iter().enumerate() {
        let Some((def, args)) = found else { continue };
        if def.kind == StepKind::Given {
            // A new selection replaces the last one, gaps and all.
            state.selection = None;
            state.incomplete.clear();
        }
        let started = std::time::Instant::now();
        let mut result: StepResult = (def.run)(&mut state, &args);
        // Saturates rather than wraps: no check runs for 584 years.
        report.steps[i].duration_ns =
            Some(u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX));
        // It holds for what was selected, but the selection may miss
        // members the source could not read: not a pass. The selection's
        // own step already names those gaps as the scenario's unknowns.
        let over_incomplete =
            def.kind == StepKind::Then && result.is_ok() && !state.incomplete.is_empty();
        if over_incomplete {
            result = Err(StepError::NotEvaluable(incomplete_reason(&state)));
        }
        let status = match &result {
            Ok(()) => StepStatus::Passed,
            Err(StepError::Failed(_)) => StepStatus::Failed,
            Err(StepError::NotEvaluable(_)) => StepStatus::NotEvaluable,
            Err(StepError::Misuse(m)) => {
                let reason = format!("{}:{}: {m}", s.file, report.steps[i].line);
                report.steps[i].status = StepStatus::Failed;
                report.evidence = state.evidence;
                return grader_error(report, reason);
            }
        };
        report.steps[i].status = status;
        // A partial scenario's assertions are layers of credit.
        if partial && def.kind == StepKind::Then {
            match status {
                StepStatus::Passed => passed += 1,
                StepStatus::NotEvaluable => unknown += 1,
                _ => {}
            }
        }
        let given = def.kind == StepKind::Given;
        match result {
            Ok(()) => {}
            Err(StepError::Failed(m)) => {
                outcomes.failed.push(m);
                // Nothing selected: the checks after it have nothing to check.
                if given {
                    break;
                }
            }
            Err(StepError::NotEvaluable(m)) => {
                if !over_incomplete {
                    outcomes.unknown.push(m);
                }
                // A selection that may be incomplete still holds its known
                // members: the checks run on them and fail on what is
                // certain. One that selected nothing stops the scenario.
                if given && state.selection.is_none() {
                    break;
                }
            }
            // A grader error has already ended the scenario above.
            Err(StepError::Misuse(_)) => {}
        }
    }
    let (verdict, reason) = outcomes.verdict();
    report.verdict = verdict;
    report.reason = reason;
    report.evidence = state.evidence;
    if partial
        && assertions > 0
        && report
            .steps
            .iter()
            .all(|st| st.status != StepStatus::NotReached)
    {
        let share = report.max_points / assertions as f64;
        report.points = share * passed as f64;
        report.ungraded_points = share * unknown as f64;
    } else if report.verdict == Verdict::Passed {
        report.points = report.max_points;
    }
    report
}

/// What the steps of one scenario found, to combine in three values.
#[derive(Debug, Default)]
struct Outcomes {
    /// The reason of every step that failed for certain.
    failed: Vec<String>,
    /// The reason of every step whose verdict depends on an unknown.
    unknown: Vec<String>,
}

impl Outcomes {
    /// Any certain failure fails the scenario, with every one of them (the
    /// student sees all the mistakes at once); else any unknown makes it not
    /// evaluable, naming what it waits for; else it passed.
    fn verdict(&self) -> (Verdict, Option<String>) {
        let join = |reasons: &[String]| {
            let mut unique: Vec<&str> = Vec::new();
            for r in reasons {
                if !unique.contains(&r.as_str()) {
                    unique.push(r);
                }
            }
            unique.join(" · ")
        };
        if !self.failed.is_empty() {
            (Verdict::Failed, Some(join(&self.failed)))
        } else if !self.unknown.is_empty() {
            (Verdict::NotEvaluable, Some(join(&self.unknown)))
        } else {
            (Verdict::Passed, None)
        }
    }
}

fn incomplete_reason(state: &ScenarioState) -> String {
    let gaps: Vec<&str> = state.incomplete.iter().map(|u| u.reason.as_str()).collect();
    format!(
        "se cumple en lo seleccionado, pero la selección puede estar incompleta: {}",
        gaps.join("; ")
    )
}

fn grader_error(mut report: ScenarioReport, reason: String) -> ScenarioReport {
    report.verdict = Verdict::GraderError;
    report.points = 0.0;
    report.evidence.push(Evidence {
        status: EvidenceStatus::Info,
        subject: "corrector".into(),
        message: "este escenario está mal escrito o el corrector no sabe ejecutarlo: no cuenta contra el alumno".into(),
        location: None,
    });
    report.reason = Some(reason);
    report
}

fn broken_report(b: &BrokenFeature) -> ScenarioReport {
    grader_error(
        ScenarioReport {
            id: format!("feature:{}", b.file),
            feature: b.file.clone(),
            location: format!("{}:{}", b.file, b.line),
            keyword: None,
            name: format!("{} no se pudo leer", b.file),
            verdict: Verdict::GraderError,
            points: 0.0,
            max_points: 0.0,
            ungraded_points: 0.0,
            bonus: false,
            tags: Vec::new(),
            steps: Vec::new(),
            evidence: Vec::new(),
            hint: None,
            reason: None,
        },
        format!("{}:{}: {}", b.file, b.line, b.message),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grade::features::parse;
    use cloudgrade_model::{Attr, DbInstance, Gap, GapReason, ResourceKind, SourceInfo};

    const RDS: &str = "# language: es
Característica: RDS
  @id:rds
  Escenario: RDS
    Dadas las instancias RDS
    Entonces ninguna es accesible públicamente
    Y todas sus subredes son privadas
";

    fn db(id: &str, public: bool) -> DbInstance {
        DbInstance {
            publicly_accessible: Attr::Known(public),
            ..crate::analysis::testkit::db_instance(id)
        }
    }

    fn gap(kind: ResourceKind, operation: &str) -> Gap {
        Gap {
            kind,
            operation: operation.into(),
            reason: GapReason::NotModelled,
            message: "lo que declara no se lee".into(),
        }
    }

    fn grade(feature: &str, inv: &Inventory) -> ScenarioReport {
        let scenarios = parse(feature, "t.feature").expect("the test feature parses");
        run_scenario(&scenarios[0], inv, Standard::Curso)
    }

    fn statuses(r: &ScenarioReport) -> Vec<StepStatus> {
        r.steps.iter().map(|s| s.status).collect()
    }

    #[test]
    fn a_certain_failure_outranks_unknowns_and_every_failure_is_named() {
        let o = Outcomes {
            failed: vec!["a falla".into(), "b falla".into(), "a falla".into()],
            unknown: vec!["depende de var.x".into()],
        };
        assert_eq!(
            o.verdict(),
            (Verdict::Failed, Some("a falla · b falla".into()))
        );
        let o = Outcomes {
            failed: vec![],
            unknown: vec!["depende de var.x".into(), "depende de var.y".into()],
        };
        assert_eq!(
            o.verdict(),
            (
                Verdict::NotEvaluable,
                Some("depende de var.x · depende de var.y".into())
            )
        );
        assert_eq!(Outcomes::default().verdict(), (Verdict::Passed, None));
    }

    #[test]
    fn the_checks_after_a_failed_one_still_run_and_report() {
        let mut inv = Inventory::new(SourceInfo::default());
        inv.db_instances.push(db("db-1", true));
        let r = grade(RDS, &inv);
        assert_eq!(r.verdict, Verdict::Failed);
        // Both checks ran: the public DB and the DB without a subnet group.
        assert_eq!(
            statuses(&r),
            [StepStatus::Passed, StepStatus::Failed, StepStatus::Failed]
        );
        let reason = r.reason.unwrap();
        assert!(reason.contains("publicly_accessible"), "{reason}");
        assert!(reason.contains("no tiene grupo de subredes"), "{reason}");
        assert_eq!(r.points, 0.0);
    }

    #[test]
    fn a_failure_on_a_known_member_of_an_incomplete_selection_is_certain() {
        let mut inv = Inventory::new(SourceInfo::default());
        inv.db_instances.push(db("db-1", true));
        inv.gaps.push(gap(
            ResourceKind::DbInstance,
            "db.tf:1 module.db (registro)",
        ));
        let r = grade(RDS, &inv);
        assert_eq!(r.verdict, Verdict::Failed, "{:?}", r.reason);
        assert_eq!(r.steps[0].status, StepStatus::NotEvaluable);
        assert_eq!(r.steps[1].status, StepStatus::Failed);
        assert!(r.reason.unwrap().contains("publicly_accessible"));
    }

    #[test]
    fn a_pass_over_an_incomplete_selection_is_not_evaluable_naming_the_gap() {
        let mut inv = Inventory::new(SourceInfo::default());
        let mut d = db("db-1", false);
        d.subnet_group = Some("grupo".into());
        inv.db_instances.push(d);
        inv.db_subnet_groups.push(cloudgrade_model::DbSubnetGroup {
            name: "grupo".into(),
            vpc_id: "vpc-1".into(),
            subnet_ids: Vec::new(),
            origin: None,
        });
        inv.gaps.push(gap(
            ResourceKind::DbInstance,
            "db.tf:1 module.db (registro)",
        ));
        let r = grade(RDS, &inv);
        assert_eq!(r.verdict, Verdict::NotEvaluable);
        assert_eq!(
            statuses(&r),
            [
                StepStatus::NotEvaluable,
                StepStatus::NotEvaluable,
                StepStatus::NotEvaluable
            ]
        );
        let reason = r.reason.unwrap();
        assert!(reason.contains("module.db (registro)"), "{reason}");
        // Named once, by the selection, not once per check.
        assert_eq!(
            reason.matches("module.db (registro)").count(),
            1,
            "{reason}"
        );
        assert_eq!(r.points, 0.0);
    }

    #[test]
    fn a_selection_of_nothing_stops_the_scenario() {
        let inv = Inventory::new(SourceInfo::default());
        let r = grade(RDS, &inv);
        assert_eq!(r.verdict, Verdict::Failed);
        assert_eq!(
            statuses(&r),
            [
                StepStatus::Failed,
                StepStatus::NotReached,
                StepStatus::NotReached
            ]
        );
        // Nothing known and a gap: not evaluable, and nothing after it runs.
        let mut inv = Inventory::new(SourceInfo::default());
        inv.gaps
            .push(gap(ResourceKind::DbInstance, "db.tf:1 module.db"));
        let r = grade(RDS, &inv);
        assert_eq!(r.verdict, Verdict::NotEvaluable);
        assert_eq!(r.steps[1].status, StepStatus::NotReached);
        assert!(r.reason.unwrap().contains("module.db"));
    }
}
