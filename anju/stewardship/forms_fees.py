"""Forms of the 物业费 pages (parsing only: the rules are in services.fees)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from anju.stewardship.models_fees import Channel


class DateInput(forms.DateInput):
    input_type = "date"


class StandardForm(forms.Form):
    since = forms.DateField(label=_("执行起始日期"), widget=DateInput)
    rate = forms.CharField(label=_("物业费（元/㎡·月）"), max_length=12)
    parking = forms.CharField(label=_("停车费（元/个·月）"), max_length=12, required=False)
    vacant_percent = forms.IntegerField(label=_("空置房收费比例（%）"), required=False, min_value=0, max_value=100)
    basis = forms.CharField(label=_("依据"), max_length=200, required=False)


class BillForm(forms.Form):
    period = forms.CharField(label=_("账期"), max_length=10)


class PaymentForm(forms.Form):
    household = forms.IntegerField(label=_("户"))
    paid_on = forms.DateField(label=_("缴费日期"), widget=DateInput)
    amount = forms.CharField(label=_("金额（元）"), max_length=14)
    receipt = forms.CharField(label=_("收据号或流水号"), max_length=40)
    channel = forms.ChoiceField(label=_("缴费方式"), choices=Channel.choices, initial=Channel.CASH)


class LettersForm(forms.Form):
    min_months = forms.IntegerField(label=_("欠费月数不少于"), min_value=1, max_value=120, required=False)
    pay_by = forms.DateField(label=_("支付期限"), widget=DateInput, required=False)
    households = forms.CharField(required=False)  # ids, comma separated (the ticked rows)


def first_error(form: forms.Form) -> str:
    for field_name, errors in form.errors.items():
        label = form.fields[field_name].label if field_name in form.fields else ""
        return f"{label}：{errors[0]}" if label else str(errors[0])
    return ""
