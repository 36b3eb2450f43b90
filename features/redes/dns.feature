# language: es
@actividad:redes
Característica: La VPC resuelve nombres DNS
  Las tareas llegan a la base de datos por el nombre de su endpoint, y a ECR,
  Secrets Manager y CloudWatch por nombres que, con endpoints de VPC, resuelve
  el DNS de la propia VPC. Sin DNS, nada de eso se encuentra, aunque las rutas
  y los grupos de seguridad estén bien.

  @id:net-vpc-dns @puntos:2
  Escenario: Las VPC tienen activados el DNS y los nombres de host
    Pista: pon enable_dns_support = true y enable_dns_hostnames = true en el
    aws_vpc; Terraform deja enable_dns_hostnames desactivado si no se dice, y
    es la causa de «no resuelve el endpoint» del apartado de problemas del
    curso.

    Dadas las VPC
    Entonces resuelven nombres DNS
