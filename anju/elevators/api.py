from ninja import Router

router = Router(tags=["elevators 加装电梯"])
