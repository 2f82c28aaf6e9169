from ninja import Router

router = Router(tags=["programme 改造项目"])
