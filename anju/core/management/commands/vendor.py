from django.core.management.base import BaseCommand, CommandError

from anju.core.vendor import MissingAssets, vendor


class Command(BaseCommand):
    help = "Copy front-end assets from node_modules into var/vendor (复制前端资源)"

    def handle(self, *args, **options):
        try:
            written = vendor()
        except MissingAssets as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"vendor: {written} file(s) updated")
