# language: es
@actividad:rds
Característica: Las copias y el mantenimiento de RDS no se pisan
  RDS hace la copia automática cada día en backup_window y aplica parches una
  vez por semana en maintenance_window. AWS rechaza la instancia si las
  ventanas se solapan o están mal escritas, y terraform plan no lo avisa.

  @id:rds-windows-no-overlap @puntos:1
  Escenario: Las ventanas de copia y de mantenimiento de RDS no se solapan
    Pista: escribe backup_window = "03:00-04:00" y maintenance_window =
    "sun:04:30-sun:05:30" (UTC, 30 minutos como mínimo), o no pongas ninguna
    y AWS elegirá unas que no se pisan.

    Dadas las instancias RDS
    Entonces sus ventanas de copia y de mantenimiento no se solapan
