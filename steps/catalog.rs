use std::sync::LazyLock;

use regex::Regex;

use super::state::{ScenarioState, StepResult};
use super::{containers, ecs, network, observability, rds, roles, secrets, security, select};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepKind {
    /// Selects what the following checks look at.
    Given,
    /// Checks the selection.
    Then,
}

pub type StepFn = fn(&mut ScenarioState, &[String]) -> StepResult;

pub struct StepDef {
    pub kind: StepKind,
    /// Anchored regular expressions; capture groups are the arguments.
    pub es: &'static str,
    pub en: &'static str,
    /// What it does, in Spanish, for the catalog.
    pub doc: &'static str,
    pub run: StepFn,
    /// The sources that can answer it (for the activity pages in docs/).
    pub answers: Answers,
}

/// What a step reads, and so which sources answer it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Answers {
    /// The infrastructure: the Terraform, a plan, the account or an emulator.
    Infrastructure,
    /// The Dockerfile, read as text.
    Dockerfile,
    /// The image, run in Docker.
    Image,
}

impl Answers {
    /// The sources, and the commands that read them, in Spanish.
    pub fn sources_es(self) -> &'static str {
        match self {
            Answers::Infrastructure => {
                "el Terraform (`check`, `grade --terraform`), un plan (`grade --plan`) y la cuenta o \
                 un emulador (`grade --aws`, `--snapshot`, `--container`)"
            }
            Answers::Dockerfile => {
                "el Dockerfile (`check` de una carpeta que lo tiene, `grade --dockerfile`)"
            }
            Answers::Image => "la imagen, ejecutada en Docker (`grade --image`)",
        }
    }
}

struct Compiled {
    def: &'static StepDef,
    es: Pattern,
    en: Pattern,
}

/// A step pattern, ready to match. Most are a fixed sentence (`^…$` with
/// nothing of a regex in it): those are compared as text, since compiling
/// some eighty regexes cost more than grading every scenario.
enum Pattern {
    Sentence(&'static str),
    Regex(Regex),
}

impl Pattern {
    fn new(pattern: &'static str) -> Pattern {
        let sentence = pattern
            .strip_prefix('^')
            .and_then(|p| p.strip_suffix('$'))
            .filter(|p| !p.contains(|c: char| r"\.+*?()|[]{}^$".contains(c)));
        match sentence {
            Some(text) => Pattern::Sentence(text),
            // The patterns are constants of this file; a test compiles every one.
            None => Pattern::Regex(
                Regex::new(pattern).unwrap_or_else(|e| panic!("step pattern {pattern}: {e}")),
            ),
        }
    }

    /// The captured arguments when `text` matches.
    fn captures(&self, text: &str) -> Option<Vec<String>> {
        match self {
            Pattern::Sentence(s) => (text == *s).then(Vec::new),
            Pattern::Regex(r) => r.captures(text).map(|caps| {
                caps.iter()
                    .skip(1)
                    .map(|m| m.map_or(String::new(), |m| m.as_str().to_string()))
                    .collect()
            }),
        }
    }
}

/// Every group of steps, in catalog order. A module with steps of its own
/// exports a `STEPS` slice and is listed here; that is all it takes to make
/// its phrases available to every feature file.
static GROUPS: &[&[StepDef]] = &[CORE, super::docker::STEPS];

/// The steps of the AWS rules (network, RDS, ECS, secrets).
static CORE: &[StepDef] = &[
    StepDef {
        kind: StepKind::Given,
        es: r"^las subredes privadas$",
        en: r"^the private subnets$",
        doc: "Selecciona las subredes privadas: por convención (etiquetas Type/Tier/... = private, un Name con \
              private o privada) y por su papel (subredes de un servicio ECS o de un grupo de subredes de RDS).",
        run: select::private_subnets,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Given,
        es: r"^las subredes que deben ser públicas$",
        en: r"^the subnets that must be public$",
        doc: "Selecciona las subredes marcadas públicas (etiqueta o nombre) y las que alojan un NAT gateway; \
              nunca una marcada privada. Ninguna es un fallo.",
        run: select::subnets_that_must_be_public,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Given,
        es: r"^las subredes públicas$",
        en: r"^the public subnets$",
        doc: "Selecciona las subredes marcadas públicas por etiqueta (Type/Tier/... = public) o por nombre; \
              ninguna no es un fallo.",
        run: select::public_subnets,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Given,
        es: r#"^las subredes con la etiqueta "([^"]+)" igual a "([^"]*)"$"#,
        en: r#"^the subnets tagged "([^"]+)" = "([^"]*)"$"#,
        doc: "Selecciona las subredes con esa etiqueta y ese valor (sin distinguir mayúsculas).",
        run: select::subnets_tagged,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Given,
        es: r#"^las subredes cuyo nombre contiene "([^"]+)"$"#,
        en: r#"^the subnets whose name contains "([^"]+)"$"#,
        doc: "Selecciona las subredes cuyo Name contiene el texto (sin distinguir mayúsculas).",
        run: select::subnets_named,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Given,
        es: r"^las subredes de los servicios ECS$",
        en: r"^the subnets of the ECS services$",
        doc: "Selecciona las subredes donde los servicios ECS colocan sus tareas (awsvpc).",
        run: select::subnets_of_ecs_services,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Given,
        es: r"^las subredes de los grupos de subredes de RDS$",
        en: r"^the subnets of the RDS subnet groups$",
        doc: "Selecciona las subredes de los grupos de subredes de las instancias RDS.",
        run: select::subnets_of_db_subnet_groups,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Given,
        es: r"^las instancias RDS$",
        en: r"^the RDS instances$",
        doc: "Selecciona todas las instancias de base de datos RDS.",
        run: select::db_instances,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Given,
        es: r"^las VPC$",
        en: r"^the VPCs$",
        doc: "Selecciona todas las VPC.",
        run: select::vpcs,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Given,
        es: r"^los grupos de seguridad$",
        en: r"^the security groups$",
        doc: "Selecciona todos los grupos de seguridad.",
        run: select::security_groups,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Given,
        es: r"^los servicios ECS$",
        en: r"^the ECS services$",
        doc: "Selecciona todos los servicios ECS.",
        run: select::ecs_services,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Given,
        es: r"^las definiciones de tarea en uso$",
        en: r"^the task definitions in use$",
        doc: "Selecciona la revisión que ejecuta cada servicio ECS y la última revisión activa de cada familia.",
        run: select::task_definitions_in_use,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Given,
        es: r"^los clústeres ECS$",
        en: r"^the ECS clusters$",
        doc: "Selecciona todos los clústeres ECS.",
        run: select::ecs_clusters,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Given,
        es: r"^los grupos de logs$",
        en: r"^the log groups$",
        doc: "Selecciona todos los grupos de logs de CloudWatch (en una cuenta, también los que no son del \
              proyecto).",
        run: select::log_groups,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^tienen Container Insights activado$",
        en: r"^they have Container Insights on$",
        doc: "Clústeres ECS: el ajuste containerInsights vale enabled o enhanced (AWS lo deja desactivado si no \
              se dice).",
        run: observability::container_insights_on,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^guardan sus eventos entre 7 y 30 días$",
        en: r"^they keep their events between 7 and 30 days$",
        doc: "Grupos de logs: retention_in_days es 7, 14 o 30 (sin él, o con 0, los eventos no caducan nunca).",
        run: observability::log_retention,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^cada uno corre en Fargate, en red awsvpc, con un tamaño que Fargate acepta$",
        en: r"^each one runs on Fargate, in awsvpc mode, with a size Fargate accepts$",
        doc: "Servicios ECS: launch_type FARGATE, o una capacity_provider_strategy (la suya o la del \
              clúster) con FARGATE o FARGATE_SPOT; su definición de tarea declara FARGATE en \
              requires_compatibilities, network_mode awsvpc, y un par cpu/memory de la tabla de Fargate.",
        run: ecs::services_on_fargate,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^sus tareas pueden bajar su imagen: tienen salida a internet y su grupo deja salir el 443$",
        en: r"^their tasks can pull their image: they have a way out and their group lets 443 out$",
        doc: "Servicios ECS: cada subred de sus tareas sale a internet por un NAT gateway, o por el internet \
              gateway con assign_public_ip = true; y uno de sus grupos deja salir tcp 443 a 0.0.0.0/0. Una \
              subred pública sin IP pública es el CannotPullContainerError de siempre.",
        run: ecs::tasks_can_pull,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^cada uno vuelve solo atrás de un despliegue fallido$",
        en: r"^each one rolls back a failed deployment by itself$",
        doc: "Servicios ECS: deployment_circuit_breaker con enable = true y rollback = true, o \
              deployment_controller de tipo CODE_DEPLOY (blue/green, que vuelve atrás por sí mismo).",
        run: ecs::deployments_roll_back,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^su rol de tarea no es su rol de ejecución$",
        en: r"^their task role is not their execution role$",
        doc: "Definiciones de tarea: task_role_arn, si lo hay, es otro rol que execution_role_arn.",
        run: ecs::task_role_separate,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^cada contenedor escribe con awslogs en un grupo de logs del proyecto$",
        en: r"^every container logs with awslogs to a log group of the project$",
        doc: "Definiciones de tarea: cada contenedor tiene logConfiguration con logDriver awslogs y un \
              awslogs-group que el proyecto declara (o awslogs-create-group con logs:CreateLogGroup en el \
              rol de ejecución), en la región del proyecto.",
        run: containers::containers_log_to_project,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^cada contenedor que sirve tráfico tiene un healthCheck en su puerto$",
        en: r"^every container that serves traffic has a health check on its port$",
        doc: "Definiciones de tarea: cada contenedor con portMappings tiene healthCheck.command, que puede \
              fallar y, si prueba localhost, lo hace en uno de sus containerPort (sin puerto, 80 o 443).",
        run: containers::containers_health_checked,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^cada contenedor corre limitado: sin root, sin privilegios y con la raíz de solo lectura$",
        en: r"^every container runs limited: not root, not privileged, with a read-only root$",
        doc: "Definiciones de tarea: cada contenedor con readonlyRootFilesystem = true, sin privileged, \
              con un user que no es root, y la tarea sin pidMode host.",
        run: containers::containers_hardened,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^cada secreto de Secrets Manager de los contenedores rota solo$",
        en: r"^every Secrets Manager secret of the containers rotates by itself$",
        doc: "Definiciones de tarea: cada secreto de Secrets Manager que nombra un valueFrom tiene \
              rotación automática (aws_secretsmanager_secret_rotation, como mucho cada 90 días) o es el \
              que RDS gestiona para su contraseña maestra (manage_master_user_password), que RDS rota.",
        run: secrets::secrets_rotate,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^sus roles confían solo en las tareas de ECS$",
        en: r"^their roles trust only ECS tasks$",
        doc: "Definiciones de tarea: su rol de ejecución y su rol de tarea permiten sts:AssumeRole a \
              ecs-tasks.amazonaws.com y a nadie más (ni a ecs.amazonaws.com, ni a otra cuenta, ni a *).",
        run: roles::roles_trust_only_tasks,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^ninguno de sus roles tiene permisos de administrador$",
        en: r"^none of their roles has administrator permissions$",
        doc: "Definiciones de tarea: ni su rol de ejecución ni su rol de tarea tienen AdministratorAccess, \
              IAMFullAccess o PowerUserAccess, ni una política que permita *, iam:* o NotAction sobre *.",
        run: roles::no_admin_roles,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^su rol de tarea concede solo acciones concretas sobre recursos concretos$",
        en: r"^their task role grants only named actions on named resources$",
        doc: "Definiciones de tarea: las políticas del rol de tarea no permiten *, servicio:* ni NotAction, \
              ni Resource * salvo para las acciones que no admiten otro recurso \
              (ecr:GetAuthorizationToken, cloudwatch:PutMetricData, ssmmessages:*Channel, xray:Put*...).",
        run: roles::task_role_least_privilege,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^sus contenedores usan imágenes con la versión fijada$",
        en: r"^their containers run images with a pinned version$",
        doc: "Definiciones de tarea: la imagen de cada contenedor lleva una etiqueta que no es latest, o un \
              digest (@sha256:…); sin etiqueta, el registro sirve latest.",
        run: ecs::images_pinned,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^cada una sale a internet solo a través de un NAT gateway$",
        en: r"^each one reaches the internet only through a NAT gateway$",
        doc: "Subredes: su tabla de rutas efectiva lleva todo destino de internet a un NAT gateway disponible, \
              con IP pública, en una subred pública de la misma VPC; ninguna ruta va a un internet gateway.",
        run: network::egress_only_through_nat,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^cada una sale a internet por un internet gateway de su VPC$",
        en: r"^each leaves to the internet through an internet gateway of its VPC$",
        doc: "Subredes: su tabla de rutas efectiva lleva todo destino de internet a un internet gateway \
              conectado a la VPC de la subred.",
        run: network::through_own_igw,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^resuelven nombres DNS$",
        en: r"^they resolve DNS names$",
        doc: "VPC: enable_dns_support y enable_dns_hostnames están activados (Terraform deja el segundo \
              desactivado si no se dice).",
        run: network::vpc_dns,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^solo el del balanceador admite internet, y solo en el 80 y el 443$",
        en: r"^only the load balancer's admits the internet, and only on 80 and 443$",
        doc: "Grupos de seguridad: solo el grupo de un balanceador admite 0.0.0.0/0 o ::/0, y solo en TCP 80 \
              y 443 (protocolo -1 son todos los puertos). Sin balanceador, el puerto de las tareas abierto \
              es el diseño del curso: aviso en el estándar curso, fallo en producción.",
        run: security::world_only_to_balancer,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^sus tareas solo admiten al balanceador, en el puerto del contenedor$",
        en: r"^their tasks admit only the load balancer, on the container's port$",
        doc: "Servicios ECS: el grupo de las tareas solo admite al grupo del balanceador, en el container_port \
              de su load_balancer, y el balanceador llega a ellas (su salida, las ACL y las rutas).",
        run: security::tasks_only_from_balancer,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^RDS todavía crea su versión del motor$",
        en: r"^RDS still creates their engine version$",
        doc: "Instancias RDS: engine_version es una versión que RDS aún crea según la lista fechada de \
              cloudgrade (una versión mayor sola, o ninguna, siempre); una que la lista no cubre no es \
              evaluable.",
        run: rds::engine_version_available,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^registran su tráfico en flow logs$",
        en: r"^they record their traffic in flow logs$",
        doc: "VPC: un aws_flow_log sobre la VPC, o uno en cada una de sus subredes, con cualquier \
              traffic_type (ACCEPT, REJECT o ALL).",
        run: network::flow_logged,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^sus subredes caben en ellas sin solaparse$",
        en: r"^their subnets fit in them without overlapping$",
        doc: "VPC: su bloque (y los secundarios) y el de cada subred son direcciones de red entre /16 y /28, \
              cada subred cabe en un bloque de su VPC y ninguna se solapa con otra.",
        run: network::address_plan,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^están en al menos dos zonas de disponibilidad$",
        en: r"^they are in at least two availability zones$",
        doc: "Subredes: las seleccionadas están en dos zonas de disponibilidad o más (una subred sin \
              availability_zone no es evaluable: AWS elige su zona).",
        run: network::in_two_zones,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^cada una sale por un NAT gateway de su misma zona$",
        en: r"^each leaves through a NAT gateway of its own zone$",
        doc: "Subredes: la ruta a internet de su tabla va a un NAT gateway que está en una subred de la misma \
              zona de disponibilidad.",
        run: network::nat_in_own_zone,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^ninguna asigna IP pública al lanzar$",
        en: r"^none assigns a public IP on launch$",
        doc: "Subredes: map_public_ip_on_launch está desactivado.",
        run: network::no_public_ip_on_launch,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^cada uno coloca sus tareas en subredes privadas$",
        en: r"^each one places its tasks in private subnets$",
        doc: "Servicios ECS: cada subred de network_configuration es privada: ni etiquetada o llamada pública \
              ni con ruta a un internet gateway.",
        run: ecs::tasks_in_private_subnets,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^ninguno da IP pública a sus tareas$",
        en: r"^none gives its tasks a public IP$",
        doc: "Servicios ECS: assign_public_ip está desactivado.",
        run: ecs::no_public_ip_for_tasks,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^ninguno admite SSH, RDP ni todos los puertos desde internet$",
        en: r"^none admits SSH, RDP or every port from the internet$",
        doc: "Grupos de seguridad: ninguna regla de entrada desde 0.0.0.0/0 o ::/0 abre el 22, el 3389 (también \
              dentro de un rango) ni todos los puertos (protocolo -1, o 0-65535).",
        run: security::no_admin_ports_from_internet,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^todos y sus reglas dicen para qué son$",
        en: r"^they and their rules all say what they are for$",
        doc: "Grupos de seguridad (menos el de por defecto de la VPC): cada grupo tiene description (no la \
              «Managed by Terraform» que pone el proveedor si no se dice) y cada regla de entrada y salida \
              también.",
        run: security::described,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^sus grupos de seguridad no permiten ninguna salida$",
        en: r"^their security groups allow no egress$",
        doc: "Instancias RDS: los grupos de seguridad que usan no tienen ninguna regla de salida.",
        run: security::db_groups_no_egress,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^sus grupos de seguridad solo permiten salir al 443 y a la base de datos$",
        en: r"^their security groups only allow egress to 443 and to the database$",
        doc: "Servicios ECS: cada regla de salida de sus grupos es tcp 443, o el puerto de una base de datos \
              hacia su grupo de seguridad o un bloque dentro de la VPC.",
        run: security::task_groups_minimal_egress,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^ninguna es accesible públicamente$",
        en: r"^none is publicly accessible$",
        doc: "Instancias RDS: publicly_accessible está desactivado.",
        run: rds::not_publicly_accessible,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^todas cifran su almacenamiento$",
        en: r"^all encrypt their storage$",
        doc: "Instancias RDS: storage_encrypted está activado (Terraform y AWS lo dejan desactivado si no se dice).",
        run: rds::storage_encrypted,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^guardan sus copias automáticas entre 7 y 35 días$",
        en: r"^they keep their automated backups between 7 and 35 days$",
        doc: "Instancias RDS: backup_retention_period entre 7 y 35 (AWS guarda 1 día si no se dice).",
        run: rds::backups_retained,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^todas sus subredes son privadas$",
        en: r"^all their subnets are private$",
        doc: "Instancias RDS: ninguna subred de su grupo de subredes tiene ruta a un internet gateway.",
        run: rds::subnets_private,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^aplican las versiones menores automáticamente$",
        en: r"^they apply minor versions automatically$",
        doc: "Instancias RDS: auto_minor_version_upgrade no está desactivado (Terraform y AWS lo activan si no \
              se dice).",
        run: rds::auto_minor_upgrades,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^tienen una réplica en espera en otra zona$",
        en: r"^they keep a standby in another zone$",
        doc: "Instancias RDS: multi_az está activado (un clúster Aurora, con dos miembros o más).",
        run: rds::multi_az,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^no se pueden borrar sin dejar copia$",
        en: r"^they cannot be deleted without leaving a copy$",
        doc: "Instancias RDS: deletion_protection está activado, o skip_final_snapshot es false y hay un \
              final_snapshot_identifier. Una cuenta solo dice deletion_protection: lo que hará terraform \
              destroy está en el código.",
        run: rds::deletion_safe,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^sus ventanas de copia y de mantenimiento no se solapan$",
        en: r"^their backup and maintenance windows do not overlap$",
        doc: "Instancias RDS: backup_window (hh24:mi-hh24:mi) y maintenance_window (ddd:hh24:mi-ddd:hh24:mi), \
              si se fijan, están bien escritas, duran 30 minutos o más y el mantenimiento semanal no pisa la \
              copia diaria (tocarse no es solaparse).",
        run: rds::windows_apart,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^su usuario maestro es válido$",
        en: r"^their master user name is valid$",
        doc: "Instancias RDS: el usuario maestro tiene solo letras, números o _ (hasta 63 en PostgreSQL, 32 en \
              MySQL, 16 en los demás), empieza por una letra y no es un nombre reservado (rdsadmin, y en \
              PostgreSQL admin, pg_* y sus palabras reservadas).",
        run: rds::master_username_valid,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^su grupo de subredes cubre al menos dos zonas de disponibilidad$",
        en: r"^their subnet group spans at least two availability zones$",
        doc: "Instancias RDS: las subredes de su grupo de subredes están en dos zonas de disponibilidad o más.",
        run: rds::subnet_group_two_zones,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^solo aceptan conexiones desde el grupo de seguridad de las tareas ECS$",
        en: r"^they accept connections only from the ECS tasks' security group$",
        doc: "Instancias RDS: toda regla de entrada de sus grupos de seguridad es TCP al puerto de la base de \
              datos desde el grupo de seguridad de las tareas ECS; nada desde un CIDR ni desde otro grupo.",
        run: rds::only_from_ecs,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^las tareas ECS pueden conectar con ellas en su puerto$",
        en: r"^the ECS tasks can connect to them on their port$",
        doc: "Instancias RDS: el camino previsto funciona: salida del grupo de las tareas, entrada del grupo de \
              la base de datos y las network ACL de ambas subredes en los dos sentidos (puertos efímeros).",
        run: rds::reachable_from_ecs,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^ningún contenedor lleva secretos en su environment$",
        en: r"^no container carries secrets in its environment$",
        doc: "Definiciones de tarea: ninguna variable de environment es un secreto (por nombre, por formato del \
              valor o por entropía). Los valores se muestran enmascarados.",
        run: secrets::no_env_secrets,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^cada secreto de los contenedores viene de Secrets Manager y existe$",
        en: r"^every container secret comes from Secrets Manager and exists$",
        doc: "Definiciones de tarea: las credenciales llegan por `secrets`, y cada valueFrom es un secreto de \
              Secrets Manager que existe.",
        run: secrets::secrets_from_secrets_manager,
        answers: Answers::Infrastructure,
    },
    StepDef {
        kind: StepKind::Then,
        es: r"^el rol de ejecución puede leer cada secreto, limitado a su ARN$",
        en: r"^the execution role can read each secret, scoped to its ARN$",
        doc: "Definiciones de tarea: el rol de ejecución tiene secretsmanager:GetSecretValue sobre el ARN de \
              cada secreto que usa, y no sobre `*`.",
        run: secrets::execution_role_reads_secrets,
        answers: Answers::Infrastructure,
    },
];

static COMPILED: LazyLock<Vec<Compiled>> = LazyLock::new(|| {
    catalog()
        .map(|def| Compiled {
            def,
            es: Pattern::new(def.es),
            en: Pattern::new(def.en),
        })
        .collect()
});

pub fn catalog() -> impl Iterator<Item = &'static StepDef> {
    GROUPS.iter().flat_map(|g| g.iter())
}

/// The result of looking a step's text up in the catalog.
pub enum Match {
    One(&'static StepDef, Vec<String>),
    Undefined,
    Ambiguous(Vec<&'static StepDef>),
}

pub fn find(text: &str) -> Match {
    let text = text.trim();
    let mut hits: Vec<(&'static StepDef, Vec<String>)> = COMPILED
        .iter()
        .filter_map(|c| {
            let args = c.es.captures(text).or_else(|| c.en.captures(text))?;
            Some((c.def, args))
        })
        .collect();
    match hits.len() {
        0 => Match::Undefined,
        1 => {
            let (def, args) = hits.remove(0);
            Match::One(def, args)
        }
        _ => Match::Ambiguous(hits.into_iter().map(|(d, _)| d).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_compiles_and_no_two_overlap_on_their_own_examples() {
        assert_eq!(COMPILED.len(), catalog().count());
        for c in COMPILED.iter() {
            for p in [c.def.es, c.def.en] {
                assert!(p.starts_with('^') && p.ends_with('$'), "{p}");
                // A sentence matches exactly what its regex would.
                if let Pattern::Sentence(s) = Pattern::new(p) {
                    assert!(Regex::new(p).unwrap().is_match(s), "{p}");
                }
            }
        }
    }

    #[test]
    fn finds_spanish_and_english_with_arguments() {
        match find("las subredes con la etiqueta \"Tier\" igual a \"private\"") {
            Match::One(_, args) => assert_eq!(args, ["Tier", "private"]),
            _ => panic!("expected one match"),
        }
        assert!(matches!(find("the private subnets"), Match::One(..)));
        assert!(matches!(find("las subredes moradas"), Match::Undefined));
    }
}
