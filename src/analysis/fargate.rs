//! Whether a service runs on Fargate, as the exercise asks, with a task
//! definition Fargate accepts: compatible with it, in `awsvpc` mode, and of
//! one of the sizes it sells.

use cloudgrade_model::{Attr, EcsService, Inventory, ResourceKind, TaskDefinition};

use super::{Check, Finding, Unanswerable, gaps};

/// The memory sizes Fargate (Linux) sells for each CPU size, in MiB: from
/// a minimum to a maximum in steps (the ECS developer guide's table of
/// task sizes), above the smallest size, [`SMALLEST`].
const SIZES: [(u32, u32, u32, u32); 6] = [
    // (cpu units, min MiB, max MiB, step MiB)
    (512, 1024, 4096, 1024),
    (1024, 2048, 8192, 1024),
    (2048, 4096, 16384, 1024),
    (4096, 8192, 30720, 1024),
    (8192, 16384, 61440, 4096),
    (16384, 32768, 122880, 8192),
];

/// The smallest size doubles instead of stepping: 1.5 GB is not sold.
const SMALLEST: (u32, [u32; 3]) = (256, [512, 1024, 2048]);

/// CPU units from `"256"`, `"0.25 vCPU"` or `"1 vcpu"`.
fn cpu_units(text: &str) -> Option<u32> {
    let t = text.trim().to_ascii_lowercase();
    match t.strip_suffix("vcpu") {
        Some(n) => n
            .trim()
            .parse::<f64>()
            .ok()
            .map(|v| (v * 1024.0).round() as u32),
        None => t.parse().ok(),
    }
}

/// MiB from `"512"`, `"1 GB"` or `"2gb"`.
fn memory_mib(text: &str) -> Option<u32> {
    let t = text.trim().to_ascii_lowercase();
    match t.strip_suffix("gb") {
        Some(n) => n
            .trim()
            .parse::<f64>()
            .ok()
            .map(|v| (v * 1024.0).round() as u32),
        None => t.strip_suffix("mb").unwrap_or(&t).trim().parse().ok(),
    }
}

/// The memory sizes Fargate sells with this CPU, as the hint says them.
fn sizes_for(cpu: u32) -> Option<String> {
    if cpu == SMALLEST.0 {
        let [a, b, c] = SMALLEST.1;
        return Some(format!("{a}, {b} o {c}"));
    }
    let (_, min, max, step) = SIZES.iter().find(|(c, ..)| *c == cpu)?;
    Some(format!("de {min} a {max} en pasos de {step}"))
}

/// Every CPU size Fargate sells, as the hint says them: `256, 512, … o 16384`.
fn cpu_sizes() -> String {
    let mut sizes: Vec<String> = std::iter::once(SMALLEST.0)
        .chain(SIZES.iter().map(|(c, ..)| *c))
        .map(|c| c.to_string())
        .collect();
    let last = sizes.pop().unwrap_or_default();
    format!("{} o {last}", sizes.join(", "))
}

fn fits(cpu: u32, memory: u32) -> bool {
    if cpu == SMALLEST.0 {
        return SMALLEST.1.contains(&memory);
    }
    SIZES.iter().any(|(c, min, max, step)| {
        *c == cpu && (*min..=*max).contains(&memory) && (memory - min).is_multiple_of(*step)
    })
}

/// ecs-fargate-awsvpc: the service runs on Fargate (its launch type, or a
/// capacity provider strategy with FARGATE or FARGATE_SPOT, which the
/// sources fold into the launch type) and its task definition is one
/// Fargate registers: `requires_compatibilities` with FARGATE, `awsvpc`,
/// and a CPU and memory pair of its table.
pub fn on_fargate(inv: &Inventory, svc: &EcsService) -> Check {
    let name = &svc.name;
    let fail = |why: String, origin| Err(Ok(Finding::new(name, why, origin)));
    match svc.launch_type.as_deref() {
        Some("FARGATE") => {}
        Some(other) => {
            return fail(
                format!(
                    "el servicio {name} se lanza en {other}, no en Fargate (sin launch_type ni capacity_provider_strategy, ECS usa EC2): el ejercicio pide Fargate, sin servidores que mantener; pon launch_type = \"FARGATE\""
                ),
                svc.origin.as_ref(),
            );
        }
        None => {
            return Err(Err(Unanswerable::new(
                name,
                format!(
                    "no se sabe dónde se lanza el servicio {name}: su launch_type o su capacity_provider_strategy dependen de algo que la fuente no conoce"
                ),
            )));
        }
    }
    let Some(td) = inv.task_definition(&svc.task_definition) else {
        let why = gaps(inv, ResourceKind::TaskDefinition, name)
            .into_iter()
            .next()
            .unwrap_or_else(|| {
                Unanswerable::new(
                    name,
                    format!(
                        "la definición de tarea del servicio {name} ({}) no está en el proyecto",
                        svc.task_definition
                    ),
                )
            });
        return Err(Err(why));
    };
    definition_fits(td).map(|size| format!("corre en Fargate, en red awsvpc, con {size}"))
}

/// What Fargate asks of a task definition; `Ok` is its size, as evidence.
fn definition_fits(td: &TaskDefinition) -> Check {
    let label = format!("{}:{}", td.family, td.revision);
    let fail = |why: String| Err(Ok(Finding::new(&label, why, td.origin.as_ref())));
    if !td
        .requires_compatibilities
        .iter()
        .any(|c| c.eq_ignore_ascii_case("FARGATE"))
    {
        return fail(format!(
            "la definición de tarea {label} no declara requires_compatibilities = [\"FARGATE\"]: ECS no la lanza en Fargate (\"is not compatible with FARGATE\")"
        ));
    }
    match td.network_mode.as_deref() {
        Some("awsvpc") => {}
        other => {
            return fail(format!(
                "la definición de tarea {label} usa network_mode {}: Fargate solo admite awsvpc, en el que cada tarea tiene su propia interfaz de red y sus grupos de seguridad",
                other.unwrap_or("bridge (el que ECS pone si no se dice)")
            ));
        }
    }
    let text = |field: &Option<Attr<String>>, what: &str| match field {
        Some(Attr::Known(t)) => Ok(t.clone()),
        Some(Attr::Unknown(u)) => Err(Err(Unanswerable::new(
            &label,
            format!(
                "{what} de la definición de tarea {label} depende de {}, que solo se conoce tras apply",
                u.unknown
            ),
        ))),
        None => Err(Err(Unanswerable::new(
            &label,
            format!("la fuente no dice {what} de la definición de tarea {label}"),
        ))),
    };
    let (cpu, memory) = (text(&td.cpu, "el cpu")?, text(&td.memory, "la memoria")?);
    if cpu.is_empty() || memory.is_empty() {
        return fail(format!(
            "la definición de tarea {label} no fija cpu y memory a nivel de tarea: Fargate cobra y reserva por tamaño de tarea y la rechaza sin ellos; por ejemplo cpu = \"256\" y memory = \"512\""
        ));
    }
    let (Some(units), Some(mib)) = (cpu_units(&cpu), memory_mib(&memory)) else {
        return fail(format!(
            "la definición de tarea {label} pide cpu {cpu:?} y memory {memory:?}, que no son tamaños: ECS espera unidades de CPU (\"256\") y MiB (\"512\")"
        ));
    };
    if fits(units, mib) {
        return Ok(format!("cpu {cpu} y memory {memory}"));
    }
    fail(match sizes_for(units) {
        Some(sizes) => format!(
            "la definición de tarea {label} pide cpu {cpu} con memory {memory}, una combinación que Fargate no vende: con {units} de CPU, la memoria va {sizes} MiB (ECS la rechaza al registrarla)"
        ),
        None => format!(
            "la definición de tarea {label} pide cpu {cpu}, que no es un tamaño de Fargate: {}",
            cpu_sizes()
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testkit::{ecs_service, empty};

    fn td(compat: &[&str], mode: Option<&str>, cpu: &str, memory: &str) -> TaskDefinition {
        TaskDefinition {
            arn: "td".into(),
            family: "app".into(),
            revision: 1,
            status: "ACTIVE".into(),
            network_mode: mode.map(str::to_string),
            requires_compatibilities: compat.iter().map(|c| c.to_string()).collect(),
            cpu: Some(Attr::Known(cpu.into())),
            memory: Some(Attr::Known(memory.into())),
            pid_mode: None,
            execution_role_arn: None,
            task_role_arn: None,
            containers: Vec::new(),
            origin: None,
        }
    }

    fn inv_with(t: TaskDefinition) -> (Inventory, EcsService) {
        let mut inv = empty();
        inv.task_definitions.push(t);
        let mut svc = ecs_service(&[], Attr::Known(false));
        svc.task_definition = "td".into();
        svc.launch_type = Some("FARGATE".into());
        (inv, svc)
    }

    fn finding(v: Check) -> String {
        match v {
            Err(Ok(f)) => f.message,
            other => panic!("expected a finding, got {other:?}"),
        }
    }

    #[test]
    fn the_fargate_sizes_are_its_table() {
        for (cpu, memory) in [
            ("256", "512"),
            ("256", "2048"),
            ("512", "1024"),
            ("0.5 vCPU", "4 GB"),
            ("1024", "8192"),
            ("4096", "30720"),
            ("8192", "61440"),
            ("16384", "122880"),
        ] {
            let (Some(c), Some(m)) = (cpu_units(cpu), memory_mib(memory)) else {
                panic!("{cpu} {memory} unread");
            };
            assert!(fits(c, m), "{cpu}/{memory}");
        }
        for (cpu, memory) in [
            (256, 256),
            (256, 1536),
            (256, 4096),
            (512, 512),
            (512, 1536),
            (1024, 1024),
            (8192, 18432),
            (128, 512),
        ] {
            assert!(!fits(cpu, memory), "{cpu}/{memory}");
        }
        assert_eq!(memory_mib("1.5GB"), Some(1536));
        assert_eq!(cpu_sizes(), "256, 512, 1024, 2048, 4096, 8192 o 16384");
        assert_eq!(cpu_units("0.25 vcpu"), Some(256));
        assert_eq!(cpu_units("mucho"), None);
    }

    #[test]
    fn a_fargate_service_with_a_fitting_definition_passes() {
        let (inv, svc) = inv_with(td(&["FARGATE"], Some("awsvpc"), "256", "512"));
        let ok = on_fargate(&inv, &svc).expect("passes");
        assert!(ok.contains("cpu 256 y memory 512"), "{ok}");
    }

    #[test]
    fn ec2_or_an_unknown_launch_type_is_not_fargate() {
        let (inv, mut svc) = inv_with(td(&["FARGATE"], Some("awsvpc"), "256", "512"));
        svc.launch_type = Some("EC2".into());
        assert!(finding(on_fargate(&inv, &svc)).contains("se lanza en EC2, no en Fargate"));
        svc.launch_type = None;
        assert!(matches!(on_fargate(&inv, &svc), Err(Err(_))));
        svc.launch_type = Some("FARGATE".into());
        svc.task_definition = "elsewhere".into();
        assert!(
            matches!(on_fargate(&inv, &svc), Err(Err(u)) if u.reason.contains("no está en el proyecto"))
        );
    }

    #[test]
    fn what_fargate_refuses_in_a_definition_fails_with_its_reason() {
        let cases = [
            (
                td(&["EC2"], Some("awsvpc"), "256", "512"),
                "requires_compatibilities",
            ),
            (td(&["FARGATE"], None, "256", "512"), "network_mode bridge"),
            (
                td(&["FARGATE"], Some("host"), "256", "512"),
                "network_mode host",
            ),
            (
                td(&["FARGATE"], Some("awsvpc"), "", "512"),
                "no fija cpu y memory",
            ),
            (
                td(&["FARGATE"], Some("awsvpc"), "512", "512"),
                "la memoria va de 1024 a 4096 en pasos de 1024",
            ),
            (
                td(&["FARGATE"], Some("awsvpc"), "256", "256"),
                "512, 1024 o 2048",
            ),
            (
                td(&["FARGATE"], Some("awsvpc"), "300", "512"),
                "no es un tamaño de Fargate",
            ),
            (
                td(&["FARGATE"], Some("awsvpc"), "x", "512"),
                "no son tamaños",
            ),
        ];
        for (t, says) in cases {
            let (inv, svc) = inv_with(t);
            let m = finding(on_fargate(&inv, &svc));
            assert!(m.contains(says), "{says}: {m}");
        }
    }

    #[test]
    fn a_size_from_an_unknown_or_unsaid_is_unknown() {
        let mut t = td(&["FARGATE"], Some("awsvpc"), "256", "512");
        t.memory = Some(Attr::unknown("var.memory"));
        let (inv, svc) = inv_with(t.clone());
        assert!(matches!(on_fargate(&inv, &svc), Err(Err(u)) if u.reason.contains("var.memory")));
        t.memory = None;
        let (inv, svc) = inv_with(t);
        assert!(
            matches!(on_fargate(&inv, &svc), Err(Err(u)) if u.reason.contains("la fuente no dice"))
        );
    }
}
