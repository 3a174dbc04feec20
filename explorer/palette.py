"""One colour-blind-safe palette (Okabe & Ito) for every figure, on the page and in the exports."""

BLUE = "#0072B2"
ORANGE = "#E69F00"
GREEN = "#009E73"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
SKY = "#56B4E9"
YELLOW = "#F0E442"
BLACK = "#000000"
GREY = "#8C8C8C"

# Runs are coloured by the valley they end in: global optimum first, then by increasing loss.
OUTCOME = [GREEN, ORANGE, VERMILLION, PURPLE, SKY, BLUE, YELLOW]
SERIES = [BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, YELLOW, BLACK]
# Soft region fills for activation patterns.
REGIONS = ["#cfe3f2", "#fbe7bf", "#c9ece2", "#f6d3bf", "#f2dcea", "#d9eefa", "#faf6c9", "#e3e3e3"]
# Loss surfaces: perceptually uniform and readable in grey.
SURFACE_SCALE = "Viridis"
