from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "emassess.reviews"
    label = "reviews"
    verbose_name = "Role reviews"
