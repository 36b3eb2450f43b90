# language: es
@actividad:iam
Característica: Los roles de las tareas confían en ECS y conceden solo lo que la aplicación usa
  Una tarea de ECS corre con dos roles: el de ejecución, con el que el agente
  baja la imagen y lee los secretos, y el de tarea, con el que el código de la
  aplicación llama a AWS. Quien puede asumir un rol recibe sus permisos, y un
  permiso de más es lo que un atacante usa si entra por la aplicación.

  @id:iam-trust-ecs-tasks @puntos:2
  Escenario: Los roles de las tareas confían solo en ecs-tasks.amazonaws.com
    Pista: la assume_role_policy de cada rol de las tareas debe ser un Allow
    de sts:AssumeRole con Principal = { Service = "ecs-tasks.amazonaws.com" }.
    ecs.amazonaws.com es el servicio, no sus tareas: con él la tarea no
    arranca. Cualquier otro principal (otra cuenta, ec2, "*") también podría
    asumir el rol.

    Dadas las definiciones de tarea en uso
    Entonces sus roles confían solo en las tareas de ECS

  @id:iam-no-admin @puntos:3
  Escenario: Ningún rol de las tareas es administrador
    Pista: quita AdministratorAccess (o IAMFullAccess, PowerUserAccess) y
    cualquier política con Action = "*" o "iam:*": con ellas, quien entre por
    la aplicación controla la cuenta. Al rol de ejecución le basta
    AmazonECSTaskExecutionRolePolicy y la lectura de sus secretos.

    Dadas las definiciones de tarea en uso
    Entonces ninguno de sus roles tiene permisos de administrador

  @id:iam-task-role-least-privilege @puntos:3
  Escenario: El rol de tarea concede solo acciones concretas sobre recursos concretos
    Pista: en las políticas del rol de tarea, nombra las acciones que la
    aplicación llama (s3:GetObject, no s3:*) sobre los ARN de sus recursos
    (arn:aws:s3:::mi-bucket/*, no "*"). Resource = "*" solo vale para las
    acciones que no admiten otro, como ecr:GetAuthorizationToken o
    cloudwatch:PutMetricData.

    Dadas las definiciones de tarea en uso
    Entonces su rol de tarea concede solo acciones concretas sobre recursos concretos
