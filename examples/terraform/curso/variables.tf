variable "aws_region" {
  description = "Región de AWS"
  type        = string
  default     = "us-east-1"
}

variable "project_name" {
  description = "Nombre del proyecto, prefijo de todos los recursos"
  type        = string
}

variable "environment" {
  description = "Entorno (dev, staging, prod)"
  type        = string
  default     = "dev"
}

variable "vpc_cidr" {
  description = "Bloque CIDR de la VPC"
  type        = string
  default     = "10.0.0.0/16"
}

variable "az_count" {
  description = "Número de zonas de disponibilidad"
  type        = number
  default     = 2
}

variable "container_port" {
  description = "Puerto en el que escucha la aplicación"
  type        = number
  default     = 8080
}

variable "ecr_image" {
  description = "Imagen de la aplicación en ECR"
  type        = string
}

variable "desired_count" {
  type    = number
  default = 2
}

variable "db_name" {
  type    = string
  default = "appdb"
}

variable "db_username" {
  description = "Usuario maestro de PostgreSQL"
  type        = string
  default     = "appadmin"
}

variable "db_password" {
  description = "Contraseña maestra de PostgreSQL (se pasa con TF_VAR_db_password, nunca en el repo)"
  type        = string
  sensitive   = true
}

variable "log_retention_days" {
  type    = number
  default = 14
}
