from ninja import Router

router = Router(tags=["consultations 意见征求与表决"])
