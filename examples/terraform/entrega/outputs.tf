output "alb_dns" {
  value = aws_lb.api.dns_name
}

output "db_endpoint" {
  value = aws_db_instance.postgres.endpoint
}
