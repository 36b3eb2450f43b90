locals {
  name = "${var.project_name}-${var.environment}"
  azs  = slice(data.aws_availability_zones.available.names, 0, var.az_count)

  # Subredes públicas con count, privadas con for_each (por AZ)
  public_cidrs = [for i in range(var.az_count) : cidrsubnet(var.vpc_cidr, 8, i + 1)]
  private_subnets = {
    for i, az in local.azs : az => {
      cidr = cidrsubnet(var.vpc_cidr, 8, i + 10)
      name = format("%s-private-%s", local.name, substr(az, -1, 1))
    }
  }

  db_port = 5432
}
