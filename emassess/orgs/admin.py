from django.contrib import admin

from emassess.orgs.models import Membership, Organisation, Team


class TeamInline(admin.TabularInline):
    model = Team
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "timezone", "created_at"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [TeamInline]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "kind"]
    list_filter = ["organisation", "kind"]
    search_fields = ["name"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "team", "manager_role", "manager_role_started_on"]
    list_filter = ["organisation", "role", "manager_role"]
    search_fields = ["user__email", "user__full_name"]
    list_select_related = ["user", "organisation", "team"]
    autocomplete_fields = ["user", "reports_to"]
