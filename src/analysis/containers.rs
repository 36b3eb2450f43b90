//! What each container of a task definition asks of ECS: where it logs
//! (`awslogs`, to a log group of the project), how ECS knows it is healthy
//! (a health check on the port it listens on), and what it may do to its
//! host and its own files.

use cloudgrade_model::{Attr, ContainerDefinition, Inventory, ResourceKind, TaskDefinition};

use super::iam::{Effect, find_role, role_policies, statements};
use super::{Check, Finding, Unanswerable, gaps};

fn subject(td: &TaskDefinition, c: &ContainerDefinition) -> String {
    format!("{}:{}/{}", td.family, td.revision, c.name)
}

/// ecs-awslogs: the container logs with `awslogs` to a log group the
/// project has, in the project's region. A group it does not have stops
/// the task at start (`ResourceNotFoundException`), unless
/// `awslogs-create-group` lets the execution role create it, which needs
/// `logs:CreateLogGroup` (AmazonECSTaskExecutionRolePolicy lacks it).
pub fn logs_to_project_group(
    inv: &Inventory,
    td: &TaskDefinition,
    c: &ContainerDefinition,
) -> Check {
    let who = subject(td, c);
    let fail = |why: String| Err(Ok(Finding::new(&who, why, td.origin.as_ref())));
    match c.log_driver.as_deref() {
        Some("awslogs") => {}
        None => {
            return fail(format!(
                "el contenedor {who} no tiene logConfiguration: lo que escribe se pierde y no hay logs en CloudWatch para ver por qué falla; usa logDriver = \"awslogs\" con awslogs-group = un aws_cloudwatch_log_group del proyecto"
            ));
        }
        Some(other) => {
            return fail(format!(
                "el contenedor {who} usa el driver de logs {other}, no awslogs: el ejercicio lleva los logs a CloudWatch Logs"
            ));
        }
    }
    if let (Some(Attr::Known(region)), Some(project)) =
        (c.log_options.get("awslogs-region"), &inv.source.region)
        && region != project
    {
        return fail(format!(
            "el contenedor {who} envía sus logs a la región {region} y el proyecto está en {project}: el grupo de logs no está allí"
        ));
    }
    let creates = matches!(c.log_options.get("awslogs-create-group"), Some(Attr::Known(v)) if v.eq_ignore_ascii_case("true"));
    let group = match c.log_options.get("awslogs-group") {
        None => {
            return fail(format!(
                "el contenedor {who} usa awslogs sin awslogs-group: ECS no sabe a qué grupo de logs escribir"
            ));
        }
        Some(Attr::Unknown(u)) => {
            // `aws_cloudwatch_log_group.app.name` whose name is not known:
            // the group is the project's all the same.
            let address = u.unknown.strip_suffix(".name").unwrap_or(&u.unknown);
            if inv.log_groups.iter().any(|g| g.name == address) {
                return Ok(format!(
                    "escribe con awslogs en {address}, un grupo de logs del proyecto"
                ));
            }
            // Whatever the name turns out to be, a project with no group
            // at all does not have it.
            if inv.log_groups.is_empty()
                && !creates
                && gaps(inv, ResourceKind::LogGroup, &who).is_empty()
            {
                return fail(format!(
                    "el contenedor {who} escribe sus logs en un grupo que el proyecto no crea (no declara ningún aws_cloudwatch_log_group): la tarea no arranca (ResourceNotFoundException); declara el grupo, con retención"
                ));
            }
            return Err(Err(Unanswerable::new(
                &who,
                format!(
                    "el grupo de logs de {who} depende de {}, que solo se conoce tras apply",
                    u.unknown
                ),
            )));
        }
        Some(Attr::Known(g)) => g.clone(),
    };
    let declared = inv.log_groups.iter().any(|g| {
        g.name == group
            || g.name
                .strip_suffix('*')
                .is_some_and(|prefix| group.starts_with(prefix))
    });
    if declared {
        return Ok(format!(
            "escribe con awslogs en {group}, un grupo de logs del proyecto"
        ));
    }
    if let Some(u) = gaps(inv, ResourceKind::LogGroup, &who).into_iter().next() {
        return Err(Err(u));
    }
    if creates {
        return match td.execution_role_arn.as_deref() {
            None => fail(format!(
                "el contenedor {who} pide awslogs-create-group sin rol de ejecución: nadie puede crear el grupo {group}"
            )),
            Some(role) => match may_create_log_group(inv, role) {
                Ok(true) => Ok(format!(
                    "escribe con awslogs en {group}, que su rol de ejecución crea al arrancar (awslogs-create-group y logs:CreateLogGroup)"
                )),
                Ok(false) => fail(format!(
                    "el contenedor {who} pide awslogs-create-group para {group}, pero su rol de ejecución no tiene logs:CreateLogGroup (AmazonECSTaskExecutionRolePolicy no lo incluye): la tarea no arranca; declara el aws_cloudwatch_log_group en el proyecto"
                )),
                Err(u) => Err(Err(u)),
            },
        };
    }
    fail(format!(
        "el contenedor {who} escribe sus logs en {group}, un grupo de logs que el proyecto no crea: la tarea no arranca (ResourceNotFoundException); declara un aws_cloudwatch_log_group con ese nombre, y con retención"
    ))
}

/// Whether the role's known policies allow `logs:CreateLogGroup`; unknown
/// while a policy that might is not read.
fn may_create_log_group(inv: &Inventory, role_ref: &str) -> Result<bool, Unanswerable> {
    let Some(role) = find_role(inv, role_ref) else {
        return Err(Unanswerable::new(
            role_ref,
            format!(
                "el rol de ejecución {role_ref} no está en el proyecto: no se sabe si puede crear el grupo de logs"
            ),
        ));
    };
    let (policies, unread) = role_policies(inv, role);
    let allowed = policies.iter().any(|p| {
        statements(&p.document)
            .iter()
            .any(|s| s.effect == Effect::Allow && s.allows_action("logs:CreateLogGroup"))
    });
    match unread.into_iter().next() {
        Some(u) if !allowed => Err(u.why),
        _ => Ok(allowed),
    }
}

/// The port a health check command probes on the container itself
/// (`localhost`, `127.0.0.1`, `0.0.0.0`, `[::1]`): the one written, or the
/// scheme's (80, 443). `None` when it names no local address.
fn probed_port(command: &str) -> Option<u16> {
    for host in ["localhost", "127.0.0.1", "0.0.0.0", "[::1]"] {
        let Some(at) = command.find(host) else {
            continue;
        };
        let rest = &command[at + host.len()..];
        if let Some(port) = rest.strip_prefix(':') {
            let digits: String = port.chars().take_while(char::is_ascii_digit).collect();
            return digits.parse().ok();
        }
        let before = &command[..at];
        return Some(if before.ends_with("https://") {
            443
        } else {
            80
        });
    }
    None
}

/// A check that always succeeds proves nothing about the application.
fn cannot_fail(command: &str) -> bool {
    let body = command
        .trim()
        .trim_start_matches("CMD-SHELL")
        .trim_start_matches("CMD")
        .trim();
    matches!(body, "exit 0" | "true" | "/bin/true" | ":") || body.starts_with("echo ")
}

/// ecs-container-healthcheck: a container that serves traffic has a health
/// check that can fail and probes a port it listens on. Without one ECS
/// only knows the process is alive; on the wrong port it kills a healthy
/// task over and over. `Ok(None)`: the container serves nothing.
pub fn health_checked(
    td: &TaskDefinition,
    c: &ContainerDefinition,
) -> Result<Option<String>, Result<Finding, Unanswerable>> {
    if c.ports.is_empty() {
        return Ok(None);
    }
    let who = subject(td, c);
    let fail = |why: String| Err(Ok(Finding::new(&who, why, td.origin.as_ref())));
    if !c.has_health_check {
        return fail(format!(
            "el contenedor {who} sirve tráfico y no tiene healthCheck: ECS solo sabe que el proceso vive, no que responde; añade healthCheck = {{ command = [\"CMD-SHELL\", \"curl -f http://localhost:PUERTO/health || exit 1\"] }}"
        ));
    }
    let command = match &c.health_command {
        None => {
            return Err(Err(Unanswerable::new(
                &who,
                format!("la fuente no dice qué prueba el healthCheck de {who}"),
            )));
        }
        Some(Attr::Unknown(u)) => {
            return Err(Err(Unanswerable::new(
                &who,
                format!(
                    "el healthCheck de {who} depende de {}, que solo se conoce tras apply",
                    u.unknown
                ),
            )));
        }
        Some(Attr::Known(c)) => c.clone(),
    };
    if command.trim().is_empty() {
        return fail(format!("el healthCheck de {who} no tiene command"));
    }
    if cannot_fail(&command) {
        return fail(format!(
            "el healthCheck de {who} ({command}) no puede fallar: no dice nada de la aplicación; pide su endpoint de salud"
        ));
    }
    let Some(port) = probed_port(&command) else {
        return Ok(Some(format!("healthCheck: {command}")));
    };
    let known: Vec<i32> = c
        .ports
        .iter()
        .filter_map(|p| p.as_known().copied())
        .collect();
    if known.contains(&i32::from(port)) {
        return Ok(Some(format!(
            "su healthCheck prueba el puerto {port}, en el que escucha"
        )));
    }
    if let Some(Attr::Unknown(u)) = c.ports.iter().find(|p| p.as_known().is_none()) {
        return Err(Err(Unanswerable::new(
            &who,
            format!(
                "el puerto del contenedor {who} depende de {}, que solo se conoce tras apply",
                u.unknown
            ),
        )));
    }
    let listens = known
        .iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    fail(format!(
        "el healthCheck de {who} prueba el puerto {port}, pero el contenedor escucha en {listens}: el chequeo falla siempre y ECS reinicia la tarea una y otra vez; usa el containerPort en el comando"
    ))
}

fn is_root(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or(user);
    name == "0" || name.eq_ignore_ascii_case("root")
}

/// ecs-container-hardening: a root file system the container cannot
/// write, no privileged mode, a user other than root, and no host process
/// namespace: what an attacker who gets into the app can then do.
pub fn hardened(td: &TaskDefinition, c: &ContainerDefinition) -> Check {
    let who = subject(td, c);
    let Some(h) = &c.hardening else {
        return Err(Err(Unanswerable::new(
            &who,
            format!("la fuente no dice cómo está limitado el contenedor {who}"),
        )));
    };
    let unknown = |field: &str, u: &cloudgrade_model::Unknown| {
        Err(Err(Unanswerable::new(
            &who,
            format!(
                "{field} de {who} depende de {}, que solo se conoce tras apply",
                u.unknown
            ),
        )))
    };
    let mut missing = Vec::new();
    match &h.readonly_root_filesystem {
        Attr::Known(true) => {}
        Attr::Known(false) => missing.push(
            "readonlyRootFilesystem = true (quien entre no puede cambiar sus binarios)".to_string(),
        ),
        Attr::Unknown(u) => return unknown("readonlyRootFilesystem", u),
    }
    match &h.privileged {
        Attr::Known(false) => {}
        Attr::Known(true) => {
            missing.push("quitar privileged = true (da acceso al host entero)".to_string())
        }
        Attr::Unknown(u) => return unknown("privileged", u),
    }
    match &h.user {
        Attr::Known(u) if u.is_empty() => missing.push(
            "user (sin él corre con el usuario de la imagen, root si su Dockerfile no dice USER); por ejemplo user = \"1000\"".to_string(),
        ),
        Attr::Known(u) if is_root(u) => missing.push(format!("un user que no sea root (ahora {u})")),
        Attr::Known(_) => {}
        Attr::Unknown(u) => return unknown("user", u),
    }
    if td.pid_mode.as_deref() == Some("host") {
        missing
            .push("quitar pidMode = host (ve y puede señalar los procesos del host)".to_string());
    }
    if missing.is_empty() {
        return Ok(format!(
            "corre como {} sin privilegios, con el sistema de archivos raíz de solo lectura",
            match &h.user {
                Attr::Known(u) => u.as_str(),
                Attr::Unknown(_) => "",
            }
        ));
    }
    Err(Ok(Finding::new(
        &who,
        format!(
            "al contenedor {who} le falta limitarse: {}",
            missing.join("; ")
        ),
        td.origin.as_ref(),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testkit::{empty, iam_role};
    use cloudgrade_model::{Hardening, LogGroup};
    use serde_json::json;

    fn td() -> TaskDefinition {
        serde_json::from_value(json!({
            "arn": "td", "family": "app", "revision": 1, "status": "ACTIVE",
            "execution_role_arn": "exec",
            "containers": [{"name": "web", "ports": [8080]}]
        }))
        .unwrap()
    }

    fn logging(group: Option<&str>, create: bool) -> ContainerDefinition {
        let mut c = td().containers.remove(0);
        c.log_driver = Some("awslogs".into());
        if let Some(g) = group {
            c.log_options
                .insert("awslogs-group".into(), Attr::Known(g.into()));
        }
        if create {
            c.log_options
                .insert("awslogs-create-group".into(), Attr::Known("true".into()));
        }
        c
    }

    fn inv_with_group(name: &str) -> Inventory {
        let mut inv = empty();
        inv.log_groups.push(LogGroup {
            name: name.into(),
            retention_days: Attr::Known(Some(7)),
            origin: None,
        });
        inv
    }

    fn finding<T: std::fmt::Debug>(v: Result<T, Result<Finding, Unanswerable>>) -> String {
        match v {
            Err(Ok(f)) => f.message,
            other => panic!("expected a finding, got {other:?}"),
        }
    }

    #[test]
    fn awslogs_to_a_group_of_the_project_passes() {
        let inv = inv_with_group("/ecs/app");
        assert!(logs_to_project_group(&inv, &td(), &logging(Some("/ecs/app"), false)).is_ok());
        let mut c = logging(None, false);
        c.log_options.insert(
            "awslogs-group".into(),
            Attr::unknown("aws_cloudwatch_log_group.app.name"),
        );
        let inv = inv_with_group("aws_cloudwatch_log_group.app");
        assert!(logs_to_project_group(&inv, &td(), &c).is_ok(), "by address");
        let inv = inv_with_group("/ecs/app-*");
        assert!(logs_to_project_group(&inv, &td(), &logging(Some("/ecs/app-x"), false)).is_ok());
    }

    #[test]
    fn no_awslogs_or_a_group_the_project_lacks_fails() {
        let inv = inv_with_group("/ecs/app");
        let mut none = logging(None, false);
        none.log_driver = None;
        assert!(
            finding(logs_to_project_group(&inv, &td(), &none))
                .contains("no tiene logConfiguration")
        );
        let mut splunk = logging(Some("/ecs/app"), false);
        splunk.log_driver = Some("splunk".into());
        assert!(
            finding(logs_to_project_group(&inv, &td(), &splunk)).contains("driver de logs splunk")
        );
        assert!(
            finding(logs_to_project_group(&inv, &td(), &logging(None, false)))
                .contains("sin awslogs-group")
        );
        let m = finding(logs_to_project_group(
            &inv,
            &td(),
            &logging(Some("/ecs/api"), false),
        ));
        assert!(m.contains("ResourceNotFoundException"), "{m}");
        let mut named_later = logging(None, false);
        named_later
            .log_options
            .insert("awslogs-group".into(), Attr::unknown("var.env"));
        assert!(matches!(
            logs_to_project_group(&inv, &td(), &named_later),
            Err(Err(_))
        ));
        let m = finding(logs_to_project_group(&empty(), &td(), &named_later));
        assert!(
            m.contains("no declara ningún aws_cloudwatch_log_group"),
            "{m}"
        );
        let mut inv = inv_with_group("/ecs/app");
        inv.source.region = Some("us-east-1".into());
        let mut far = logging(Some("/ecs/app"), false);
        far.log_options
            .insert("awslogs-region".into(), Attr::Known("eu-west-1".into()));
        assert!(finding(logs_to_project_group(&inv, &td(), &far)).contains("región eu-west-1"));
    }

    #[test]
    fn a_group_created_at_start_needs_create_log_group_in_the_execution_role() {
        let mut inv = empty();
        let c = logging(Some("/ecs/app"), true);
        assert!(
            matches!(logs_to_project_group(&inv, &td(), &c), Err(Err(u)) if u.reason.contains("no está en el proyecto"))
        );
        let role = |actions: serde_json::Value, attached: &[&str]| {
            let logs =
                json!({"Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]});
            iam_role("exec", json!({}), vec![logs], attached)
        };
        inv.iam_roles = vec![role(
            json!(["logs:CreateLogStream"]),
            &["arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"],
        )];
        assert!(
            finding(logs_to_project_group(&inv, &td(), &c))
                .contains("no tiene logs:CreateLogGroup")
        );
        inv.iam_roles = vec![role(json!("logs:*"), &[])];
        assert!(logs_to_project_group(&inv, &td(), &c).is_ok());
        inv.iam_roles = vec![role(
            json!("s3:GetObject"),
            &["arn:aws:iam::aws:policy/SomethingUnknown"],
        )];
        assert!(matches!(
            logs_to_project_group(&inv, &td(), &c),
            Err(Err(_))
        ));
    }

    fn checked(command: Option<Attr<String>>) -> ContainerDefinition {
        let mut c = td().containers.remove(0);
        c.has_health_check = command.is_some();
        c.health_command = command;
        c
    }

    #[test]
    fn ports_are_read_from_the_probe() {
        assert_eq!(
            probed_port("CMD-SHELL curl -f http://localhost:8080/health || exit 1"),
            Some(8080)
        );
        assert_eq!(
            probed_port("CMD wget -qO- http://127.0.0.1:3000/"),
            Some(3000)
        );
        assert_eq!(
            probed_port("CMD-SHELL curl -f http://localhost/health"),
            Some(80)
        );
        assert_eq!(
            probed_port("CMD-SHELL curl -fk https://localhost/health"),
            Some(443)
        );
        assert_eq!(probed_port("CMD-SHELL pg_isready -U app"), None);
        assert!(cannot_fail("CMD-SHELL exit 0"));
        assert!(cannot_fail("CMD-SHELL echo ok"));
        assert!(!cannot_fail(
            "CMD-SHELL curl -f http://localhost/ || exit 1"
        ));
    }

    #[test]
    fn a_health_check_on_the_container_port_passes_and_another_fails() {
        let ok = checked(Some(Attr::Known(
            "CMD-SHELL curl -f http://localhost:8080/health || exit 1".into(),
        )));
        assert!(
            health_checked(&td(), &ok)
                .unwrap()
                .unwrap()
                .contains("puerto 8080")
        );
        let wrong = checked(Some(Attr::Known(
            "CMD-SHELL curl -f http://localhost/health || exit 1".into(),
        )));
        let m = finding(health_checked(&td(), &wrong));
        assert!(
            m.contains("prueba el puerto 80, pero el contenedor escucha en 8080"),
            "{m}"
        );
        assert!(finding(health_checked(&td(), &checked(None))).contains("no tiene healthCheck"));
        assert!(
            finding(health_checked(
                &td(),
                &checked(Some(Attr::Known("CMD-SHELL exit 0".into())))
            ))
            .contains("no puede fallar")
        );
        assert!(
            health_checked(
                &td(),
                &checked(Some(Attr::Known("CMD-SHELL pg_isready".into())))
            )
            .is_ok()
        );
        assert!(
            matches!(health_checked(&td(), &checked(Some(Attr::unknown("var.port")))), Err(Err(u)) if u.reason.contains("var.port"))
        );
        let mut silent = checked(None);
        silent.ports.clear();
        assert_eq!(
            health_checked(&td(), &silent).unwrap(),
            None,
            "serves nothing"
        );
    }

    fn limited(readonly: bool, privileged: bool, user: &str) -> ContainerDefinition {
        let mut c = td().containers.remove(0);
        c.hardening = Some(Hardening {
            readonly_root_filesystem: Attr::Known(readonly),
            privileged: Attr::Known(privileged),
            user: Attr::Known(user.into()),
        });
        c
    }

    #[test]
    fn hardening_asks_for_every_limit_and_names_what_is_missing() {
        assert!(hardened(&td(), &limited(true, false, "1000")).is_ok());
        let m = finding(hardened(&td(), &limited(false, true, "")));
        assert!(m.contains("readonlyRootFilesystem = true"), "{m}");
        assert!(m.contains("privileged"), "{m}");
        assert!(m.contains("usuario de la imagen"), "{m}");
        for root in ["0", "root", "0:0", "root:app"] {
            assert!(
                finding(hardened(&td(), &limited(true, false, root))).contains("que no sea root"),
                "{root}"
            );
        }
        let mut host = td();
        host.pid_mode = Some("host".into());
        assert!(finding(hardened(&host, &limited(true, false, "1000"))).contains("pidMode = host"));
        let mut unsaid = limited(true, false, "1000");
        unsaid.hardening = None;
        assert!(matches!(hardened(&td(), &unsaid), Err(Err(_))));
    }
}
