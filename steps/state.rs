use cloudgrade_model::{Gap, Inventory, Origin, ResourceKind};

use crate::analysis::{Finding, Unanswerable};
use crate::report::{Evidence, EvidenceStatus};
use crate::standard::Standard;

/// The state one scenario's steps share: what the `Given` steps selected and
/// what every step found.
pub struct ScenarioState<'a> {
    pub inv: &'a Inventory,
    pub selection: Option<Selection>,
    /// Why the selection may miss members: gaps of what a `Given` step
    /// reads. A check over it fails on what is known to be wrong, but a
    /// pass is only a pass of the known part, so it is not evaluable.
    pub incomplete: Vec<Unanswerable>,
    pub evidence: Vec<Evidence>,
    /// The standard the run grades against, for the rules whose meaning
    /// differs between the course and production.
    pub standard: Standard,
}

/// What a `Given` step selected, for the `Then` steps to check.
#[derive(Debug, Clone)]
pub enum Selection {
    Subnets { ids: Vec<String>, what: String },
    DbInstances { ids: Vec<String> },
    TaskDefinitions { arns: Vec<String> },
    EcsServices { arns: Vec<String> },
    SecurityGroups { ids: Vec<String> },
    Vpcs { ids: Vec<String> },
    EcsClusters { arns: Vec<String> },
    LogGroups { names: Vec<String> },
}

impl Selection {
    fn noun(&self) -> &'static str {
        match self {
            Selection::Subnets { .. } => "subredes",
            Selection::DbInstances { .. } => "instancias RDS",
            Selection::TaskDefinitions { .. } => "definiciones de tarea",
            Selection::EcsServices { .. } => "servicios ECS",
            Selection::SecurityGroups { .. } => "grupos de seguridad",
            Selection::Vpcs { .. } => "VPC",
            Selection::EcsClusters { .. } => "clústeres ECS",
            Selection::LogGroups { .. } => "grupos de logs",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepError {
    /// The student's work does not hold.
    Failed(String),
    /// The source cannot answer.
    NotEvaluable(String),
    /// The scenario is written wrong (e.g. a check with nothing selected):
    /// the grader's fault, never the student's.
    Misuse(String),
}

pub type StepResult = Result<(), StepError>;

impl<'a> ScenarioState<'a> {
    pub fn new(inv: &'a Inventory) -> Self {
        ScenarioState {
            inv,
            selection: None,
            incomplete: Vec::new(),
            evidence: Vec::new(),
            standard: Standard::default(),
        }
    }

    pub fn push(
        &mut self,
        status: EvidenceStatus,
        subject: impl Into<String>,
        message: impl Into<String>,
        origin: Option<&Origin>,
    ) {
        self.evidence.push(Evidence {
            status,
            subject: subject.into(),
            message: message.into(),
            location: origin.map(|o| format!("{}:{}", o.file, o.line)),
        });
    }

    pub fn finding(&mut self, status: EvidenceStatus, f: &Finding) {
        self.push(
            status,
            f.subject.clone(),
            f.message.clone(),
            f.origin.as_ref(),
        );
    }

    pub fn unanswerable(&mut self, u: &Unanswerable) {
        // A gap a selection named is named again by the checks after it.
        if self.evidence.iter().any(|e| {
            e.status == EvidenceStatus::Unknown && e.subject == u.subject && e.message == u.reason
        }) {
            return;
        }
        self.push(
            EvidenceStatus::Unknown,
            u.subject.clone(),
            u.reason.clone(),
            None,
        );
    }

    /// Not evaluable when the source could not read a kind this step needs.
    pub fn require(&mut self, kinds: &[ResourceKind]) -> StepResult {
        let inv = self.inv;
        let gaps: Vec<&Gap> = kinds.iter().flat_map(|k| inv.gaps_for(*k)).collect();
        self.not_evaluable_if(gaps)
    }

    /// Not evaluable when the source could not read what this step reads:
    /// each kind with `None` (all of it) or the fields it reads (a gap of
    /// the whole kind counts too). A data source behind a task definition's
    /// `execution_role_arn` says nothing about its `environment`.
    pub fn require_fields(&mut self, reads: &[(ResourceKind, Option<&[&str]>)]) -> StepResult {
        let gaps = gaps_of_reads(self.inv, reads);
        self.not_evaluable_if(gaps)
    }

    /// The gaps of what a step reads (see [`ScenarioState::require_fields`]) as
    /// unknowns, for a step that still decides what is certain despite them.
    pub fn gaps_reading(&self, reads: &[(ResourceKind, Option<&[&str]>)]) -> Vec<Unanswerable> {
        gaps_of_reads(self.inv, reads)
            .into_iter()
            .map(|g| Unanswerable {
                subject: "fuente".into(),
                reason: format!(
                    "no se pudieron leer {} ({}: {})",
                    g.kind.label_es(),
                    g.operation,
                    g.message
                ),
            })
            .collect()
    }

    /// The gaps of whole kinds, as [`ScenarioState::gaps_reading`] does.
    pub fn gaps_of(&self, kinds: &[ResourceKind]) -> Vec<Unanswerable> {
        let reads: Vec<(ResourceKind, Option<&[&str]>)> =
            kinds.iter().map(|k| (*k, None)).collect();
        self.gaps_reading(&reads)
    }

    /// Ends a `Given` step whose selection may be incomplete: the known
    /// members stay selected for the checks after it, which still fail on
    /// what is certain; the step itself is not evaluable, naming the gaps.
    pub fn select_incomplete(&mut self, what: &str, gaps: Vec<Unanswerable>) -> StepResult {
        if gaps.is_empty() {
            return Ok(());
        }
        for g in &gaps {
            self.unanswerable(g);
        }
        let reasons: Vec<&str> = gaps.iter().map(|g| g.reason.as_str()).collect();
        let reason = format!(
            "puede haber {what} que no se seleccionaron: {}",
            reasons.join("; ")
        );
        self.incomplete = gaps;
        Err(StepError::NotEvaluable(reason))
    }

    fn not_evaluable_if(&mut self, gaps: Vec<&Gap>) -> StepResult {
        let gaps: Vec<String> = gaps
            .into_iter()
            .map(|g| format!("{} ({}: {})", g.kind.label_es(), g.operation, g.message))
            .collect();
        if gaps.is_empty() {
            return Ok(());
        }
        for g in &gaps {
            self.push(
                EvidenceStatus::Unknown,
                "fuente",
                format!("no se pudieron leer {g}"),
                None,
            );
        }
        Err(StepError::NotEvaluable(format!(
            "la fuente no pudo leer {}",
            gaps.join("; ")
        )))
    }

    pub fn subnets(&self) -> Result<Vec<String>, StepError> {
        match &self.selection {
            Some(Selection::Subnets { ids, .. }) => Ok(ids.clone()),
            other => Err(self.misuse("subredes", other)),
        }
    }

    pub fn db_instances(&self) -> Result<Vec<String>, StepError> {
        match &self.selection {
            Some(Selection::DbInstances { ids }) => Ok(ids.clone()),
            other => Err(self.misuse("instancias RDS", other)),
        }
    }

    pub fn task_definitions(&self) -> Result<Vec<String>, StepError> {
        match &self.selection {
            Some(Selection::TaskDefinitions { arns }) => Ok(arns.clone()),
            other => Err(self.misuse("definiciones de tarea", other)),
        }
    }

    pub fn ecs_services(&self) -> Result<Vec<String>, StepError> {
        match &self.selection {
            Some(Selection::EcsServices { arns }) => Ok(arns.clone()),
            other => Err(self.misuse("servicios ECS", other)),
        }
    }

    /// The tier the selected subnets are, in one word for a sentence:
    /// "públicas" or "privadas" (the selection's own words otherwise).
    pub fn subnets_tier(&self) -> &str {
        match &self.selection {
            Some(Selection::Subnets { what, .. }) if what.starts_with("subredes públicas") => {
                "públicas"
            }
            Some(Selection::Subnets { what, .. }) if what.starts_with("subredes privadas") => {
                "privadas"
            }
            Some(Selection::Subnets { what, .. }) => what.trim_start_matches("subredes "),
            _ => "seleccionadas",
        }
    }

    pub fn vpcs(&self) -> Result<Vec<String>, StepError> {
        match &self.selection {
            Some(Selection::Vpcs { ids }) => Ok(ids.clone()),
            other => Err(self.misuse("VPC", other)),
        }
    }

    pub fn ecs_clusters(&self) -> Result<Vec<String>, StepError> {
        match &self.selection {
            Some(Selection::EcsClusters { arns }) => Ok(arns.clone()),
            other => Err(self.misuse("clústeres ECS", other)),
        }
    }

    pub fn log_groups(&self) -> Result<Vec<String>, StepError> {
        match &self.selection {
            Some(Selection::LogGroups { names }) => Ok(names.clone()),
            other => Err(self.misuse("grupos de logs", other)),
        }
    }

    pub fn security_groups(&self) -> Result<Vec<String>, StepError> {
        match &self.selection {
            Some(Selection::SecurityGroups { ids }) => Ok(ids.clone()),
            other => Err(self.misuse("grupos de seguridad", other)),
        }
    }

    fn misuse(&self, wanted: &str, had: &Option<Selection>) -> StepError {
        StepError::Misuse(match had {
            None => format!(
                "este paso comprueba {wanted}, pero ningún paso anterior las seleccionó (falta un paso «Dado»)"
            ),
            Some(s) => format!(
                "este paso comprueba {wanted}, pero el paso anterior seleccionó {}",
                s.noun()
            ),
        })
    }
}

/// Collapses a step's findings into its result: every finding is evidence,
/// any problem fails the step (its reason is the first problem, which is
/// what a student reads first), anything unanswerable and no problem makes
/// it not evaluable.
pub fn conclude(
    state: &mut ScenarioState,
    problems: &[Finding],
    unknowns: &[Unanswerable],
) -> StepResult {
    for p in problems {
        state.finding(EvidenceStatus::Fail, p);
    }
    for u in unknowns {
        state.unanswerable(u);
    }
    if let Some(first) = problems.first() {
        let more = match problems.len() {
            1 => String::new(),
            n => format!(
                " (y {} problema{} más)",
                n - 1,
                if n == 2 { "" } else { "s" }
            ),
        };
        return Err(StepError::Failed(format!(
            "{}: {}{more}",
            first.subject, first.message
        )));
    }
    if let Some(u) = unknowns.first() {
        return Err(StepError::NotEvaluable(format!(
            "{}: {}",
            u.subject, u.reason
        )));
    }
    Ok(())
}

/// The gaps of each kind read whole (`None`) or of the fields read of it.
fn gaps_of_reads<'i>(
    inv: &'i Inventory,
    reads: &[(ResourceKind, Option<&'i [&'i str]>)],
) -> Vec<&'i Gap> {
    let mut out = Vec::new();
    for (kind, fields) in reads {
        match fields {
            None => out.extend(inv.gaps_for(*kind)),
            Some(f) => out.extend(inv.gaps_reading(*kind, f)),
        }
    }
    out
}
