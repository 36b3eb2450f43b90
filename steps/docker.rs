//! The Docker activity: the student's image, run for real by the container
//! source (`--image`), and the Dockerfile, read statically (`--dockerfile`).
//! A source that read neither makes these scenarios not evaluable, never
//! failed: the Dockerfile is not in an AWS account.

use cloudgrade_model::{
    DockerBase, DockerImage, DockerStage, Dockerfile, DockerfileVar, Origin, docker_ops,
};

use super::catalog::{Answers, StepDef, StepKind};
use super::state::{ScenarioState, StepError, StepResult, conclude};
use crate::analysis::secrets::{SecretFinding, env_secret};
use crate::analysis::{Finding, Unanswerable};
use crate::report::EvidenceStatus;

pub static STEPS: &[StepDef] = &[
    StepDef {
        kind: StepKind::Given,
        es: r"^la imagen Docker del alumno$",
        en: r"^the student's Docker image$",
        doc: "Selecciona la imagen Docker que la fuente ejecutó (cloudgrade grade --image IMAGEN). Sin ella, \
              los escenarios no son evaluables.",
        run: select_image,
        answers: Answers::Image,
    },
    StepDef {
        kind: StepKind::Given,
        es: r"^el Dockerfile del alumno$",
        en: r"^the student's Dockerfile$",
        doc: "Selecciona el Dockerfile leído (cloudgrade grade --dockerfile RUTA). Sin él, los escenarios no son \
              evaluables.",
        run: select_dockerfile,
        answers: Answers::Dockerfile,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^su proceso principal no se ejecuta como root$",
        en: r"^its main process does not run as root$",
        doc: "Imagen: el PID 1 del contenedor, observado al ejecutarlo, no tiene uid 0.",
        run: not_root,
        answers: Answers::Image,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^su HEALTHCHECK pasa a healthy dentro de su periodo de arranque$",
        en: r"^its HEALTHCHECK turns healthy within its start period$",
        doc: "Imagen: tiene HEALTHCHECK y Docker lo marca healthy antes de que acabe su periodo de arranque \
              (o su primera comprobación, si llega después).",
        run: healthy_in_time,
        answers: Answers::Image,
    },
    StepDef {
        kind: StepKind::Then,
        es: r#"^GET "([^"]+)" responde (\d{3}) en el puerto expuesto$"#,
        en: r#"^GET "([^"]+)" answers (\d{3}) on the exposed port$"#,
        doc: "Imagen: una petición HTTP a esa ruta, en un puerto TCP declarado con EXPOSE, devuelve ese código.",
        run: endpoint_answers,
        answers: Answers::Image,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^tras SIGTERM termina en (\d+) segundos como mucho, con código 0 o 143$",
        en: r"^after SIGTERM it exits within (\d+) seconds, with code 0 or 143$",
        doc: "Imagen: al recibir SIGTERM el contenedor termina solo, en ese tiempo, con código 0 o 143 (no \
              hace falta matarlo con SIGKILL).",
        run: stops_on_sigterm,
        answers: Answers::Image,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^ninguna variable de entorno de su configuración es un secreto$",
        en: r"^no environment variable in its configuration is a secret$",
        doc: "Imagen: ninguna variable de su configuración (ENV) es un secreto, por nombre, formato del valor o \
              entropía. Los valores se muestran enmascarados.",
        run: image_env_no_secrets,
        answers: Answers::Image,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^construye en varias etapas y la final copia de otra$",
        en: r"^it builds in several stages and the final one copies from another$",
        doc: "Dockerfile: más de un FROM, y la etapa final toma lo construido de una etapa anterior (COPY \
              --from o FROM etapa).",
        run: multi_stage,
        answers: Answers::Dockerfile,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^cada imagen base está fijada a una versión$",
        en: r"^every base image is pinned to a version$",
        doc: "Dockerfile: todo FROM de una imagen externa lleva una etiqueta que no es latest, o un digest.",
        run: pinned_bases,
        answers: Answers::Dockerfile,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^ningún ENV ni ARG contiene un secreto$",
        en: r"^no ENV or ARG holds a secret$",
        doc: "Dockerfile: ningún ENV ni ARG (ni su valor por defecto) es un secreto. Los valores se muestran \
              enmascarados.",
        run: dockerfile_no_secrets,
        answers: Answers::Dockerfile,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^la etapa final cambia a un USER que no es root$",
        en: r"^the final stage switches to a USER other than root$",
        doc: "Dockerfile: la etapa final (o la etapa de la que parte) tiene un USER distinto de root y de 0.",
        run: dockerfile_user,
        answers: Answers::Dockerfile,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^la etapa final define un HEALTHCHECK$",
        en: r"^the final stage defines a HEALTHCHECK$",
        doc: "Dockerfile: la etapa final (o la etapa de la que parte) tiene un HEALTHCHECK que no es NONE.",
        run: dockerfile_healthcheck,
        answers: Answers::Dockerfile,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^tiene un \.dockerignore junto al Dockerfile$",
        en: r"^it has a \.dockerignore beside the Dockerfile$",
        doc: "Dockerfile: hay un .dockerignore (o <Dockerfile>.dockerignore) en su carpeta.",
        run: dockerignore,
        answers: Answers::Dockerfile,
    },
];

/// The evidence a selector leaves; the checks look for it, as the record
/// that their `Given` ran (the shared `Selection` has no Docker variant).
const IMAGE_SELECTED: &str = "imagen Docker seleccionada";
const DOCKERFILE_SELECTED: &str = "Dockerfile seleccionado";

pub fn select_image(state: &mut ScenarioState, _: &[String]) -> StepResult {
    if state.inv.docker_images.is_empty() {
        return Err(StepError::NotEvaluable(
            "esta fuente no ejecuta imágenes Docker: corrige con `cloudgrade grade --image IMAGEN`"
                .into(),
        ));
    }
    state.selection = None;
    let names: Vec<String> = state
        .inv
        .docker_images
        .iter()
        .map(|i| i.image.clone())
        .collect();
    for name in names {
        state.push(
            EvidenceStatus::Info,
            format!("imagen {name}"),
            IMAGE_SELECTED,
            None,
        );
    }
    Ok(())
}

pub fn select_dockerfile(state: &mut ScenarioState, _: &[String]) -> StepResult {
    if state.inv.dockerfiles.is_empty() {
        return Err(StepError::NotEvaluable(
            "esta fuente no leyó ningún Dockerfile: corrige con `cloudgrade grade --dockerfile RUTA`".into(),
        ));
    }
    state.selection = None;
    let paths: Vec<String> = state
        .inv
        .dockerfiles
        .iter()
        .map(|d| d.path.clone())
        .collect();
    for path in paths {
        state.push(EvidenceStatus::Info, path, DOCKERFILE_SELECTED, None);
    }
    Ok(())
}

fn selected(
    state: &ScenarioState,
    marker: &str,
    wanted: &str,
    given: &str,
) -> Result<(), StepError> {
    if state.selection.is_some() {
        return Err(StepError::Misuse(format!(
            "este paso comprueba {wanted}, pero el paso anterior seleccionó otra cosa (falta «Dado {given}»)"
        )));
    }
    if !state
        .evidence
        .iter()
        .any(|e| e.status == EvidenceStatus::Info && e.message == marker)
    {
        return Err(StepError::Misuse(format!(
            "este paso comprueba {wanted}, pero ningún paso anterior la seleccionó (falta «Dado {given}»)"
        )));
    }
    Ok(())
}

fn images<'a>(state: &ScenarioState<'a>) -> Result<&'a [DockerImage], StepError> {
    selected(
        state,
        IMAGE_SELECTED,
        "la imagen Docker",
        "la imagen Docker del alumno",
    )?;
    Ok(&state.inv.docker_images)
}

fn dockerfiles<'a>(state: &ScenarioState<'a>) -> Result<&'a [Dockerfile], StepError> {
    selected(
        state,
        DOCKERFILE_SELECTED,
        "el Dockerfile",
        "el Dockerfile del alumno",
    )?;
    Ok(&state.inv.dockerfiles)
}

/// The recorded reason an observation is missing, for a not-evaluable verdict.
fn missing(
    state: &ScenarioState,
    image: &DockerImage,
    operation: &str,
    what: &str,
) -> Unanswerable {
    let why = state
        .inv
        .gaps_for(cloudgrade_model::ResourceKind::DockerImage)
        .find(|g| g.operation == operation)
        .map_or_else(
            || "la fuente no lo registró".to_string(),
            |g| g.message.clone(),
        );
    Unanswerable {
        subject: subject(image),
        reason: format!("no se pudo observar {what}: {why}"),
    }
}

fn subject(image: &DockerImage) -> String {
    format!("imagen {}", image.image)
}

fn user_said(image: &DockerImage) -> String {
    match &image.user {
        None => "la imagen no define USER".into(),
        Some(u) => format!("USER {u}"),
    }
}

pub fn not_root(state: &mut ScenarioState, _: &[String]) -> StepResult {
    let (mut problems, mut unknowns) = (Vec::new(), Vec::new());
    for img in images(state)? {
        match img.pid1_uid {
            None => unknowns.push(missing(state, img, docker_ops::PID1_UID, "el uid del proceso principal")),
            Some(0) => problems.push(Finding {
                subject: subject(img),
                message: format!(
                    "su proceso principal (PID 1) se ejecuta como root, uid 0 ({}): quien lo comprometa es \
                     root dentro del contenedor y más cerca del host",
                    user_said(img)
                ),
                origin: None,
            }),
            Some(uid) => state.push(
                EvidenceStatus::Ok,
                subject(img),
                format!("su proceso principal se ejecuta con uid {uid} ({})", user_said(img)),
                None,
            ),
        }
    }
    conclude(state, &problems, &unknowns)
}

pub fn healthy_in_time(state: &mut ScenarioState, _: &[String]) -> StepResult {
    let (mut problems, mut unknowns) = (Vec::new(), Vec::new());
    for img in images(state)? {
        let Some(hc) = &img.healthcheck else {
            problems.push(Finding {
                subject: subject(img),
                message: "la imagen no tiene HEALTHCHECK (o lo desactiva con NONE): ni Docker ni ECS pueden \
                          distinguir un servidor colgado de uno sano"
                    .into(),
                origin: None,
            });
            continue;
        };
        let timing = format!(
            "periodo de arranque {} s, intervalo {} s, timeout {} s",
            secs(hc.start_period_secs),
            secs(hc.interval_secs),
            secs(hc.timeout_secs)
        );
        match &img.health {
            None => unknowns.push(missing(state, img, docker_ops::HEALTH, "el estado de su health check")),
            Some(h) if h.status == "healthy" => state.push(
                EvidenceStatus::Ok,
                subject(img),
                format!(
                    "healthy a los {} s ({timing})",
                    secs(h.healthy_after_secs.unwrap_or(h.waited_secs))
                ),
                None,
            ),
            Some(h) => problems.push(Finding {
                subject: subject(img),
                message: match h.status.as_str() {
                    "exited" => format!("el contenedor terminó antes de que su health check pasara a healthy ({timing})"),
                    status => format!(
                        "su health check no pasó a healthy en {} s: quedó en «{status}» ({timing})",
                        secs(h.waited_secs)
                    ),
                },
                origin: None,
            }),
        }
    }
    conclude(state, &problems, &unknowns)
}

pub fn endpoint_answers(state: &mut ScenarioState, args: &[String]) -> StepResult {
    let path = arg(args, 0)?.to_string();
    let want: u16 = arg(args, 1)?
        .parse()
        .map_err(|_| StepError::Misuse(format!("«{}» no es un código HTTP", args[1])))?;
    let (mut problems, mut unknowns) = (Vec::new(), Vec::new());
    for img in images(state)? {
        let tcp: Vec<u16> = img
            .exposed_ports
            .iter()
            .filter(|p| p.protocol == "tcp")
            .map(|p| p.port)
            .collect();
        if tcp.is_empty() {
            problems.push(Finding {
                subject: subject(img),
                message:
                    "la imagen no declara ningún puerto TCP con EXPOSE: no se sabe dónde escucha"
                        .into(),
                origin: None,
            });
            continue;
        }
        let probes: Vec<_> = img
            .health_endpoint
            .iter()
            .filter(|p| p.path == path)
            .collect();
        if probes.is_empty() {
            unknowns.push(missing(
                state,
                img,
                docker_ops::HEALTH_ENDPOINT,
                &format!("GET {path}"),
            ));
            continue;
        }
        if let Some(ok) = probes.iter().find(|p| p.status == Some(want)) {
            state.push(
                EvidenceStatus::Ok,
                subject(img),
                format!("GET {path} en {}/tcp respondió {want}", ok.port),
                None,
            );
            continue;
        }
        let seen: Vec<String> = probes
            .iter()
            .map(|p| match (p.status, &p.error) {
                (Some(s), _) => format!("en {}/tcp respondió {s}", p.port),
                (None, Some(e)) => format!("en {}/tcp no respondió ({e})", p.port),
                (None, None) => format!("en {}/tcp no respondió", p.port),
            })
            .collect();
        problems.push(Finding {
            subject: subject(img),
            message: format!(
                "GET {path} {}, no {want}: el balanceador comprueba esa ruta y marcaría la tarea como no sana",
                seen.join("; ")
            ),
            origin: None,
        });
    }
    conclude(state, &problems, &unknowns)
}

pub fn stops_on_sigterm(state: &mut ScenarioState, args: &[String]) -> StepResult {
    let limit: f64 = arg(args, 0)?
        .parse()
        .map_err(|_| StepError::Misuse(format!("«{}» no es un número de segundos", args[0])))?;
    let (mut problems, mut unknowns) = (Vec::new(), Vec::new());
    for img in images(state)? {
        let Some(stop) = &img.stop else {
            unknowns.push(missing(
                state,
                img,
                docker_ops::STOP,
                "qué hace tras SIGTERM",
            ));
            continue;
        };
        let code = stop
            .exit_code
            .map_or_else(|| "desconocido".to_string(), |c| c.to_string());
        let problem = if stop.exited_before_signal {
            Some(format!(
                "el contenedor ya había terminado solo (código {code}) antes de recibir SIGTERM: su proceso \
                 principal no se mantiene en marcha"
            ))
        } else if stop.killed && stop.waited_secs < limit {
            unknowns.push(Unanswerable {
                subject: subject(img),
                reason: format!(
                    "la fuente esperó {} s tras SIGTERM, menos que los {} s del escenario",
                    secs(stop.waited_secs),
                    secs(limit)
                ),
            });
            continue;
        } else if stop.killed {
            Some(format!(
                "no terminó en {} s tras SIGTERM y hubo que matarlo (SIGKILL, código {code}): su PID 1 ignora \
                 SIGTERM (un script sin trap, o un shell que no reenvía la señal); ECS y docker stop cortarían \
                 las peticiones en curso",
                secs(stop.waited_secs)
            ))
        } else if stop.seconds > limit {
            Some(format!(
                "tardó {} s en terminar tras SIGTERM, más de {} s",
                secs(stop.seconds),
                secs(limit)
            ))
        } else if !matches!(stop.exit_code, Some(0) | Some(143)) {
            Some(format!(
                "terminó en {} s pero con código {code}, no 0 ni 143",
                secs(stop.seconds)
            ))
        } else {
            None
        };
        match problem {
            Some(message) => problems.push(Finding {
                subject: subject(img),
                message,
                origin: None,
            }),
            None => state.push(
                EvidenceStatus::Ok,
                subject(img),
                format!(
                    "terminó {} s después de SIGTERM, con código {code}",
                    secs(stop.seconds)
                ),
                None,
            ),
        }
    }
    conclude(state, &problems, &unknowns)
}

pub fn image_env_no_secrets(state: &mut ScenarioState, _: &[String]) -> StepResult {
    let mut problems = Vec::new();
    for img in images(state)? {
        let found: Vec<SecretFinding> = img.env.iter().filter_map(env_secret).collect();
        if found.is_empty() {
            state.push(
                EvidenceStatus::Ok,
                subject(img),
                format!(
                    "ninguna de sus {} variables de entorno es un secreto",
                    img.env.len()
                ),
                None,
            );
        }
        problems.extend(found.into_iter().map(|f| Finding {
            subject: subject(img),
            message: format!(
                "ENV {}={}: {}. Está en la configuración de la imagen, a la vista de quien pueda descargarla \
                 (docker inspect); pásalo al arrancar, desde Secrets Manager (ECS `secrets`)",
                f.variable,
                f.masked,
                f.why
            ),
            origin: None,
        }));
    }
    conclude(state, &problems, &[])
}

/// The analysis' reason without its ECS-specific advice: the steps here
/// give the Docker one.
/// A Dockerfile stage and the chain of earlier stages it starts from.
fn chain<'a>(df: &'a Dockerfile, stage: &'a DockerStage) -> Vec<&'a DockerStage> {
    let mut out = vec![stage];
    let mut cur = stage;
    while let DockerBase::Stage { index } = cur.base {
        match df.stages.get(index) {
            Some(s) if !out.iter().any(|o| std::ptr::eq(*o, s)) => {
                out.push(s);
                cur = s;
            }
            _ => break,
        }
    }
    out
}

fn no_stages(df: &Dockerfile) -> Finding {
    Finding {
        subject: df.path.clone(),
        message: "no tiene ninguna instrucción FROM".into(),
        origin: None,
    }
}

pub fn multi_stage(state: &mut ScenarioState, _: &[String]) -> StepResult {
    let mut problems = Vec::new();
    for df in dockerfiles(state)? {
        let Some(last) = df.final_stage() else {
            problems.push(no_stages(df));
            continue;
        };
        let last_index = df.stages.len() - 1;
        let earlier = |name: &str| df.stage(name).is_some_and(|s| !std::ptr::eq(s, last));
        let from_stage = matches!(last.base, DockerBase::Stage { index } if index < last_index)
            || last.copies_from.iter().any(|n| earlier(n));
        if df.stages.len() < 2 {
            problems.push(Finding {
                subject: df.path.clone(),
                message: "se construye en una sola etapa: las herramientas de compilación y el código fuente \
                          acaban en la imagen final; separa la construcción (FROM ... AS build) de la ejecución"
                    .into(),
                origin: Some(last.origin.clone()),
            });
        } else if !from_stage {
            problems.push(Finding {
                subject: df.path.clone(),
                message: format!(
                    "tiene {} etapas, pero la final no copia nada de las anteriores (falta COPY --from=...): \
                     las otras etapas no sirven de nada",
                    df.stages.len()
                ),
                origin: Some(last.origin.clone()),
            });
        } else {
            let names: Vec<String> = df
                .stages
                .iter()
                .enumerate()
                .map(|(i, s)| s.alias.clone().unwrap_or_else(|| i.to_string()))
                .collect();
            state.push(
                EvidenceStatus::Ok,
                df.path.clone(),
                format!(
                    "{} etapas ({}); la final parte de lo construido en otra",
                    df.stages.len(),
                    names.join(", ")
                ),
                Some(&last.origin),
            );
        }
    }
    conclude(state, &problems, &[])
}

pub fn pinned_bases(state: &mut ScenarioState, _: &[String]) -> StepResult {
    let (mut problems, mut unknowns) = (Vec::new(), Vec::new());
    for df in dockerfiles(state)? {
        if df.stages.is_empty() {
            problems.push(no_stages(df));
        }
        for stage in &df.stages {
            match &stage.base {
                DockerBase::Scratch | DockerBase::Stage { .. } => {}
                DockerBase::Unresolved { reference } => unknowns.push(Unanswerable {
                    subject: df.path.clone(),
                    reason: format!(
                        "FROM {} (línea {}) depende de {reference}, sin valor por defecto: la base se elige al construir",
                        stage.from, stage.origin.line
                    ),
                }),
                DockerBase::Image { digest: Some(_), .. } => state.push(
                    EvidenceStatus::Ok,
                    df.path.clone(),
                    format!("FROM {}: fijada por digest", stage.from),
                    Some(&stage.origin),
                ),
                DockerBase::Image { tag: Some(tag), .. } if tag != "latest" => state.push(
                    EvidenceStatus::Ok,
                    df.path.clone(),
                    format!("FROM {}: fijada a la etiqueta {tag}", stage.from),
                    Some(&stage.origin),
                ),
                DockerBase::Image { name, tag, .. } => problems.push(Finding {
                    subject: df.path.clone(),
                    message: format!(
                        "FROM {} {}: la base cambia cuando se publica otra versión y la misma Dockerfile \
                         construye otra imagen; fija una versión ({name}:X.Y) o un digest",
                        stage.from,
                        if tag.is_some() { "usa latest" } else { "no lleva etiqueta (es latest)" }
                    ),
                    origin: Some(stage.origin.clone()),
                }),
            }
        }
    }
    conclude(state, &problems, &unknowns)
}

pub fn dockerfile_no_secrets(state: &mut ScenarioState, _: &[String]) -> StepResult {
    let mut problems = Vec::new();
    for df in dockerfiles(state)? {
        let vars: Vec<&DockerfileVar> = df
            .global_args
            .iter()
            .chain(df.stages.iter().flat_map(|s| s.vars.iter()))
            .collect();
        let mut clean = 0;
        for v in &vars {
            match env_secret(&v.var) {
                None => clean += 1,
                Some(f) => problems.push(Finding {
                    subject: df.path.clone(),
                    message: format!(
                        "{} {}={}: {}. {}",
                        v.instruction,
                        f.variable,
                        f.masked,
                        f.why,
                        if v.instruction == "ARG" {
                            "Un ARG queda en el historial de la imagen (docker history); usa un secreto de \
                             construcción (RUN --mount=type=secret)"
                        } else {
                            "Un ENV queda en la configuración de la imagen; pásalo al arrancar el contenedor"
                        }
                    ),
                    origin: Some(v.origin.clone()),
                }),
            }
        }
        if clean == vars.len() {
            state.push(
                EvidenceStatus::Ok,
                df.path.clone(),
                format!("ninguno de sus {} ENV y ARG es un secreto", vars.len()),
                None,
            );
        }
    }
    conclude(state, &problems, &[])
}

/// A USER naming root: `root`, `0`, `root:grupo`, `0:0`.
fn is_root_user(user: &str) -> bool {
    let who = user.split(':').next().unwrap_or("").trim();
    who == "root" || who == "0"
}

pub fn dockerfile_user(state: &mut ScenarioState, _: &[String]) -> StepResult {
    let mut problems = Vec::new();
    for df in dockerfiles(state)? {
        let Some(last) = df.final_stage() else {
            problems.push(no_stages(df));
            continue;
        };
        match chain(df, last).iter().find_map(|s| s.user.as_ref()) {
            None => problems.push(Finding {
                subject: df.path.clone(),
                message: "la etapa final no tiene USER: el contenedor se ejecuta como el usuario de la imagen \
                          base, root en casi todas; crea un usuario sin privilegios y cámbiate a él con USER"
                    .into(),
                origin: Some(last.origin.clone()),
            }),
            Some(u) if is_root_user(&u.user) => problems.push(Finding {
                subject: df.path.clone(),
                message: format!("USER {} es root: cámbiate a un usuario sin privilegios", u.user),
                origin: Some(u.origin.clone()),
            }),
            Some(u) => state.push(EvidenceStatus::Ok, df.path.clone(), format!("USER {}", u.user), Some(&u.origin)),
        }
    }
    conclude(state, &problems, &[])
}

pub fn dockerfile_healthcheck(state: &mut ScenarioState, _: &[String]) -> StepResult {
    let mut problems = Vec::new();
    for df in dockerfiles(state)? {
        let Some(last) = df.final_stage() else {
            problems.push(no_stages(df));
            continue;
        };
        match chain(df, last).iter().find_map(|s| s.healthcheck.as_ref()) {
            Some(h) if !h.disabled => {
                state.push(EvidenceStatus::Ok, df.path.clone(), "define un HEALTHCHECK", Some(&h.origin))
            }
            found => problems.push(Finding {
                subject: df.path.clone(),
                message: match found {
                    Some(_) => "HEALTHCHECK NONE desactiva la comprobación de salud".into(),
                    None => "la etapa final no define HEALTHCHECK: ni Docker ni ECS sabrán si la aplicación \
                             responde; añade HEALTHCHECK CMD que pruebe /health"
                        .into(),
                },
                origin: Some(found.map_or_else(|| last.origin.clone(), |h| h.origin.clone())),
            }),
        }
    }
    conclude(state, &problems, &[])
}

pub fn dockerignore(state: &mut ScenarioState, _: &[String]) -> StepResult {
    let mut problems = Vec::new();
    for df in dockerfiles(state)? {
        match &df.dockerignore {
            Some(p) => state.push(EvidenceStatus::Ok, df.path.clone(), format!("usa {p}"), None),
            None => problems.push(Finding {
                subject: df.path.clone(),
                message: "no hay .dockerignore junto al Dockerfile: todo lo que hay en la carpeta (.git, .env, \
                          node_modules, claves) se envía al construir y puede acabar en la imagen con un COPY ."
                    .into(),
                origin: Some(Origin { file: df.path.clone(), line: 1, address: None }),
            }),
        }
    }
    conclude(state, &problems, &[])
}

fn arg(args: &[String], i: usize) -> Result<&str, StepError> {
    args.get(i)
        .map(String::as_str)
        .ok_or_else(|| StepError::Misuse(format!("al paso le falta el argumento {}", i + 1)))
}

/// Seconds the way a Spanish reader writes them: `2`, `10,4`.
fn secs(x: f64) -> String {
    let rounded = (x * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}").replace('.', ",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cloudgrade_model::{
        DockerfileUser, EnvValue, EnvVar, ExposedPort, Gap, GapReason, HealthCheckConfig,
        HealthObservation, HttpProbe, Inventory, ResourceKind, StopObservation,
    };

    fn good_image() -> DockerImage {
        DockerImage {
            image: "tienda:1".into(),
            id: None,
            user: Some("10001".into()),
            env: vec![
                EnvVar {
                    name: "PORT".into(),
                    value: EnvValue::observe("8080"),
                    origin: None,
                    only_if: None,
                },
                EnvVar {
                    name: "DB_PASSWORD_SECRET_ARN".into(),
                    value: EnvValue::observe(
                        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf",
                    ),
                    origin: None,
                    only_if: None,
                },
            ],
            healthcheck: Some(HealthCheckConfig {
                interval_secs: 2.0,
                timeout_secs: 2.0,
                start_period_secs: 10.0,
                retries: 3,
            }),
            exposed_ports: vec![ExposedPort {
                port: 8080,
                protocol: "tcp".into(),
            }],
            pid1_uid: Some(10001),
            health: Some(HealthObservation {
                status: "healthy".into(),
                healthy_after_secs: Some(2.2),
                waited_secs: 2.2,
            }),
            health_endpoint: vec![HttpProbe {
                port: 8080,
                path: "/health".into(),
                status: Some(200),
                error: None,
            }],
            stop: Some(StopObservation {
                signal: "SIGTERM".into(),
                seconds: 0.3,
                exit_code: Some(0),
                killed: false,
                exited_before_signal: false,
                waited_secs: 12.0,
            }),
        }
    }

    fn inv_with(img: DockerImage) -> Inventory {
        let mut inv = Inventory::default();
        inv.docker_images.push(img);
        inv
    }

    /// Runs `Given` then `check`: the scenario's two steps.
    fn run(
        inv: &Inventory,
        check: fn(&mut ScenarioState, &[String]) -> StepResult,
        args: &[&str],
    ) -> StepResult {
        let mut w = ScenarioState::new(inv);
        select_image(&mut w, &[])?;
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        check(&mut w, &args)
    }

    fn failed_with(r: StepResult, text: &str) {
        assert!(
            matches!(&r, Err(StepError::Failed(m)) if m.contains(text)),
            "{r:?}"
        );
    }

    #[test]
    fn a_good_image_passes_every_runtime_check() {
        let inv = inv_with(good_image());
        assert_eq!(run(&inv, not_root, &[]), Ok(()));
        assert_eq!(run(&inv, healthy_in_time, &[]), Ok(()));
        assert_eq!(run(&inv, endpoint_answers, &["/health", "200"]), Ok(()));
        assert_eq!(run(&inv, stops_on_sigterm, &["10"]), Ok(()));
        assert_eq!(run(&inv, image_env_no_secrets, &[]), Ok(()));
    }

    #[test]
    fn each_runtime_fault_fails_its_own_check() {
        let mut img = good_image();
        img.pid1_uid = Some(0);
        img.user = None;
        failed_with(
            run(&inv_with(img), not_root, &[]),
            "la imagen no define USER",
        );

        let mut img = good_image();
        img.healthcheck = None;
        img.health = None;
        failed_with(
            run(&inv_with(img), healthy_in_time, &[]),
            "no tiene HEALTHCHECK",
        );

        let mut img = good_image();
        img.health = Some(HealthObservation {
            status: "unhealthy".into(),
            healthy_after_secs: None,
            waited_secs: 17.0,
        });
        failed_with(run(&inv_with(img), healthy_in_time, &[]), "«unhealthy»");

        let mut img = good_image();
        img.health_endpoint[0].status = Some(404);
        failed_with(
            run(&inv_with(img), endpoint_answers, &["/health", "200"]),
            "respondió 404",
        );

        let mut img = good_image();
        img.exposed_ports.clear();
        failed_with(
            run(&inv_with(img), endpoint_answers, &["/health", "200"]),
            "EXPOSE",
        );

        let mut img = good_image();
        img.stop = Some(StopObservation {
            signal: "SIGTERM".into(),
            seconds: 12.1,
            exit_code: Some(137),
            killed: true,
            exited_before_signal: false,
            waited_secs: 12.0,
        });
        failed_with(
            run(&inv_with(img.clone()), stops_on_sigterm, &["10"]),
            "SIGKILL",
        );
        // A longer bound than the source waited cannot be judged from this run.
        assert!(matches!(
            run(&inv_with(img), stops_on_sigterm, &["30"]),
            Err(StepError::NotEvaluable(_))
        ));

        let mut img = good_image();
        img.stop.as_mut().unwrap().exit_code = Some(1);
        failed_with(run(&inv_with(img), stops_on_sigterm, &["10"]), "código 1");
    }

    #[test]
    fn a_secret_in_env_fails_masked() {
        let mut img = good_image();
        img.env.push(EnvVar {
            name: "DATABASE_URL".into(),
            value: EnvValue::observe("postgres://tienda:Qm7vR2xK9pLs4Tw@db.internal:5432/tienda"),
            origin: None,
            only_if: None,
        });
        let inv = inv_with(img);
        let mut w = ScenarioState::new(&inv);
        select_image(&mut w, &[]).unwrap();
        let r = image_env_no_secrets(&mut w, &[]);
        failed_with(r.clone(), "DATABASE_URL=po");
        let all = format!("{r:?}{:?}", w.evidence);
        assert!(!all.contains("Qm7vR2xK9pLs4Tw"), "{all}");
        assert!(
            !all.contains("definición de tarea"),
            "the ECS advice does not apply: {all}"
        );
    }

    #[test]
    fn an_unobserved_fact_is_not_evaluable_with_its_gap() {
        let mut img = good_image();
        img.pid1_uid = None;
        let mut inv = inv_with(img);
        inv.gaps.push(Gap {
            kind: ResourceKind::DockerImage,
            operation: docker_ops::PID1_UID.into(),
            reason: GapReason::Other,
            message: "docker exec falló".into(),
        });
        let r = run(&inv, not_root, &[]);
        assert!(
            matches!(&r, Err(StepError::NotEvaluable(m)) if m.contains("docker exec falló")),
            "{r:?}"
        );
    }

    #[test]
    fn without_an_image_or_dockerfile_the_selectors_are_not_evaluable() {
        let inv = Inventory::default();
        let mut w = ScenarioState::new(&inv);
        assert!(
            matches!(select_image(&mut w, &[]), Err(StepError::NotEvaluable(m)) if m.contains("--image"))
        );
        assert!(
            matches!(select_dockerfile(&mut w, &[]), Err(StepError::NotEvaluable(m)) if m.contains("--dockerfile"))
        );
    }

    #[test]
    fn a_check_without_its_selector_is_the_graders_fault() {
        let inv = inv_with(good_image());
        let mut w = ScenarioState::new(&inv);
        assert!(matches!(not_root(&mut w, &[]), Err(StepError::Misuse(_))));
    }

    fn stage(from: &str, base: DockerBase, alias: Option<&str>, line: u32) -> DockerStage {
        DockerStage {
            from: from.into(),
            base,
            alias: alias.map(str::to_string),
            copies_from: vec![],
            user: None,
            healthcheck: None,
            vars: vec![],
            origin: Origin {
                file: "Dockerfile".into(),
                line,
                address: None,
            },
        }
    }

    fn image_base(name: &str, tag: Option<&str>) -> DockerBase {
        DockerBase::Image {
            name: name.into(),
            tag: tag.map(str::to_string),
            digest: None,
        }
    }

    fn run_df(
        df: Dockerfile,
        check: fn(&mut ScenarioState, &[String]) -> StepResult,
    ) -> StepResult {
        let mut inv = Inventory::default();
        inv.dockerfiles.push(df);
        let mut w = ScenarioState::new(&inv);
        select_dockerfile(&mut w, &[])?;
        check(&mut w, &[])
    }

    fn df(stages: Vec<DockerStage>) -> Dockerfile {
        Dockerfile {
            path: "Dockerfile".into(),
            global_args: vec![],
            stages,
            dockerignore: Some(".dockerignore".into()),
        }
    }

    #[test]
    fn multi_stage_needs_the_final_stage_to_use_another() {
        let mut last = stage("node:20-slim", image_base("node", Some("20-slim")), None, 9);
        let two = vec![
            stage("node:20", image_base("node", Some("20")), Some("build"), 1),
            last.clone(),
        ];
        failed_with(run_df(df(two.clone()), multi_stage), "no copia nada");
        last.copies_from.push("build".into());
        assert_eq!(run_df(df(vec![two[0].clone(), last]), multi_stage), Ok(()));
        failed_with(
            run_df(df(vec![two[0].clone()]), multi_stage),
            "una sola etapa",
        );
    }

    #[test]
    fn bases_must_carry_a_version() {
        let ok = vec![
            stage("node:20", image_base("node", Some("20")), Some("build"), 1),
            stage("scratch", DockerBase::Scratch, None, 5),
        ];
        assert_eq!(run_df(df(ok), pinned_bases), Ok(()));
        failed_with(
            run_df(
                df(vec![stage("node", image_base("node", None), None, 1)]),
                pinned_bases,
            ),
            "no lleva etiqueta",
        );
        failed_with(
            run_df(
                df(vec![stage(
                    "node:latest",
                    image_base("node", Some("latest")),
                    None,
                    1,
                )]),
                pinned_bases,
            ),
            "usa latest",
        );
        let unresolved = stage(
            "${BASE}",
            DockerBase::Unresolved {
                reference: "ARG BASE".into(),
            },
            None,
            2,
        );
        assert!(matches!(
            run_df(df(vec![unresolved]), pinned_bases),
            Err(StepError::NotEvaluable(_))
        ));
    }

    #[test]
    fn user_and_healthcheck_are_inherited_from_the_stage_a_stage_starts_from() {
        let mut base = stage("node:20", image_base("node", Some("20")), Some("base"), 1);
        base.user = Some(DockerfileUser {
            user: "node".into(),
            origin: Origin {
                file: "Dockerfile".into(),
                line: 2,
                address: None,
            },
        });
        let last = stage("base", DockerBase::Stage { index: 0 }, None, 4);
        assert_eq!(
            run_df(df(vec![base.clone(), last.clone()]), dockerfile_user),
            Ok(())
        );
        base.user.as_mut().unwrap().user = "0:0".into();
        failed_with(
            run_df(df(vec![base, last.clone()]), dockerfile_user),
            "es root",
        );
        failed_with(
            run_df(df(vec![last]), dockerfile_healthcheck),
            "no define HEALTHCHECK",
        );
    }

    #[test]
    fn secrets_in_arg_and_env_fail_masked_with_their_line() {
        let mut d = df(vec![stage(
            "node:20",
            image_base("node", Some("20")),
            None,
            1,
        )]);
        d.stages[0].vars.push(DockerfileVar {
            instruction: "ARG".into(),
            var: EnvVar {
                name: "GITHUB_TOKEN".into(),
                value: EnvValue::observe("ghp_R8x2LmQ7vTz4Nw9KpC3sYb6HdJ1fGu5aEo0i"),
                origin: None,
                only_if: None,
            },
            origin: Origin {
                file: "Dockerfile".into(),
                line: 3,
                address: None,
            },
        });
        let mut inv = Inventory::default();
        inv.dockerfiles.push(d);
        let mut w = ScenarioState::new(&inv);
        select_dockerfile(&mut w, &[]).unwrap();
        let r = dockerfile_no_secrets(&mut w, &[]);
        failed_with(r.clone(), "ARG GITHUB_TOKEN=gh");
        assert!(
            w.evidence
                .iter()
                .any(|e| e.location.as_deref() == Some("Dockerfile:3")),
            "{:?}",
            w.evidence
        );
        assert!(!format!("{r:?}{:?}", w.evidence).contains("R8x2LmQ7"));
    }

    #[test]
    fn seconds_read_as_spanish_numbers() {
        assert_eq!(secs(2.0), "2");
        assert_eq!(secs(10.44), "10,4");
    }
}
