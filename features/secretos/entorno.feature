# language: es
@actividad:secretos
Característica: Los secretos nunca viajan en el environment de una definición de tarea
  Una variable de environment se ve en la consola, en la API y en el state
  de Terraform. Las credenciales llegan al contenedor por `secrets`, desde
  Secrets Manager, y solo el rol de ejecución puede leerlas.

  @id:ecs-no-env-secrets @puntos:10
  Escenario: Ningún contenedor lleva secretos en su environment
    Pista: quita la contraseña (o la clave, o la URL con usuario:contraseña) de
    environment y pásala en el bloque secrets del contenedor, con name y
    valueFrom = el ARN de un aws_secretsmanager_secret. Los ARN, los *_FILE y
    los nombres de host sí pueden ir en environment.

    Dadas las definiciones de tarea en uso
    Entonces ningún contenedor lleva secretos en su environment

  @id:ecs-secrets-from-secrets-manager @puntos:5
  Escenario: Las credenciales llegan desde Secrets Manager y solo el rol de ejecución las lee
    Pista: cada valueFrom debe ser el ARN de un secreto que exista, y la
    política del rol de ejecución debe permitir secretsmanager:GetSecretValue
    sobre ese ARN, no sobre "*": así una tarea no puede leer los secretos de
    otra aplicación.

    Dadas las definiciones de tarea en uso
    Entonces cada secreto de los contenedores viene de Secrets Manager y existe
    Y el rol de ejecución puede leer cada secreto, limitado a su ARN
