# Valores del entorno de la práctica. La contraseña NO va aquí:
#   export TF_VAR_db_password=...
aws_region   = "us-east-1"
project_name = "mi-proyecto"
environment  = "dev"
ecr_image    = "123456789012.dkr.ecr.us-east-1.amazonaws.com/mi-app:1.4.2"
