# language: es
@actividad:secretos
Característica: Las credenciales rotan solas
  Una contraseña que no cambia sirve para siempre a quien la filtre. El curso
  lo pide en Secrets Manager: «Rotación automática de secretos». La que RDS
  gestiona para su usuario maestro rota sola cada siete días.

  @id:secrets-rotation @puntos:1 @bonus
  Escenario: Los secretos de los contenedores rotan solos
    Pista: deja que RDS gestione la contraseña (manage_master_user_password
    = true, y valueFrom = "${aws_db_instance.db.master_user_secret[0].secret_arn}:password::"),
    o añade un aws_secretsmanager_secret_rotation con rotation_rules {
    automatically_after_days = 30 } (90 como mucho) y su Lambda de rotación.

    Dadas las definiciones de tarea en uso
    Entonces cada secreto de Secrets Manager de los contenedores rota solo
