# ---------------------------------------------------------------
# Base de datos PostgreSQL en subredes privadas
# ---------------------------------------------------------------
resource "aws_db_subnet_group" "main" {
  name       = "${local.name}-db-subnets"
  subnet_ids = [for s in aws_subnet.private : s.id]

  tags = {
    Name = "${local.name}-db-subnets"
  }
}

resource "aws_db_instance" "main" {
  identifier        = "${local.name}-postgres"
  engine            = "postgres"
  engine_version    = "16"
  instance_class    = "db.t3.micro"
  allocated_storage = 20
  storage_encrypted = true

  db_name  = var.db_name
  username = var.db_username
  password = var.db_password

  db_subnet_group_name   = aws_db_subnet_group.main.name
  vpc_security_group_ids = [aws_security_group.rds.id]
  publicly_accessible    = false
  multi_az               = false

  backup_retention_period   = 7
  deletion_protection       = false
  skip_final_snapshot       = false
  final_snapshot_identifier = "${local.name}-final"
}

# Credenciales de la app en Secrets Manager
resource "aws_secretsmanager_secret" "db" {
  name        = "${local.name}/db-credentials"
  description = "Credenciales de PostgreSQL para la app"
}

resource "aws_secretsmanager_secret_version" "db" {
  secret_id = aws_secretsmanager_secret.db.id
  secret_string = jsonencode({
    username = var.db_username
    password = var.db_password
    host     = aws_db_instance.main.address
    port     = local.db_port
  })
}
