"""Forms of the 共建共治 pages; they parse input, services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from anju.core.bounds import parse_id
from anju.participation.images import MAX_BYTES, MAX_PHOTOS
from anju.participation.models import (
    ActivityKind,
    Answer,
    Category,
    NoticeKind,
    PledgeKind,
    PledgeStatus,
    VolunteerRole,
)
from anju.roster.models import Building, Compound


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(_("最多上传 3 张照片"))
        for f in files:
            if f.size > MAX_BYTES:
                raise forms.ValidationError(_("每张照片不超过 8 MB"))
        return files


class SuggestionForm(forms.Form):
    compound = forms.ModelChoiceField(Compound.objects.order_by("id"), label=_("小区"))
    building = forms.ModelChoiceField(Building.objects.none(), label=_("楼栋"), required=False)
    category = forms.ChoiceField(choices=Category.choices, label=_("类别"))
    title = forms.CharField(max_length=80, label=_("标题"))
    body = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 5}), label=_("内容"))
    photos = PhotosField(required=False, label=_("照片（最多 3 张）"),
                         widget=MultipleFileInput(attrs={"accept": "image/*", "multiple": True}))
    contact_name = forms.CharField(max_length=20, required=False, label=_("称呼（可不填）"))
    contact_phone = forms.CharField(max_length=20, required=False, label=_("联系电话（可不填，仅工作人员可见）"),
                                    widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    # A field people never see; scripts that fill every field give themselves away.
    website = forms.CharField(required=False, label=_("请勿填写"),
                              widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))

    def __init__(self, *args, compound: Compound | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        chosen = compound
        if self.data.get("compound"):
            compound_id = parse_id(self.data.get("compound"))
            chosen = Compound.objects.filter(pk=compound_id).first() if compound_id is not None else None
        if chosen is not None:
            self.fields["building"].queryset = Building.objects.filter(compound=chosen).order_by("id")

    def is_spam(self) -> bool:
        return bool(self.data.get("website"))


class TrackForm(forms.Form):
    code = forms.CharField(max_length=12, label=_("回执码"))


class AssignForm(forms.Form):
    community = forms.ModelChoiceField(queryset=None, required=False, label=_("转办社区"))
    compound = forms.ModelChoiceField(queryset=None, required=False, label=_("转办小区"))
    org = forms.CharField(max_length=80, required=False, label=_("转办单位（施工单位、物业等）"))
    category = forms.ChoiceField(choices=[("", "—")] + list(Category.choices), required=False, label=_("重新归类"))

    def __init__(self, *args, communities=None, compounds=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities
        self.fields["compound"].queryset = compounds


class ReplyForm(forms.Form):
    reply = forms.CharField(max_length=4000, widget=forms.Textarea(attrs={"rows": 4}), label=_("官方答复"))
    show_on_board = forms.BooleanField(required=False, initial=True, label=_("在公开栏展示（不含个人信息）"))


class BuildingChoiceField(forms.ModelChoiceField):
    """Buildings of several compounds in one list: "世纪花园 1栋", not a column of "1栋"."""

    def label_from_instance(self, obj: Building) -> str:
        return f"{obj.compound.name} {obj}"


class NoticeForm(forms.Form):
    compound = forms.ModelChoiceField(queryset=None, label=_("小区"))
    building = BuildingChoiceField(queryset=None, required=False, label=_("楼栋（留空发布到整个小区）"))
    kind = forms.ChoiceField(choices=NoticeKind.choices, label=_("类型"))
    title = forms.CharField(max_length=120, label=_("标题"))
    issuer = forms.CharField(max_length=80, required=False, label=_("发布单位"))
    body_html = forms.CharField(widget=forms.Textarea(attrs={
        "rows": 12, "data-rich-editor": "", "data-images-id": "notice-images",
        # Labels of the editor's toolbar (core/notice_editor.js), translated here with the form.
        "data-label-toolbar": _("正文格式"), "data-label-heading": _("小标题"), "data-label-bold": _("加粗"),
        "data-label-bullets": _("项目列表"), "data-label-numbers": _("编号列表"), "data-label-link": _("链接"),
        "data-label-link-prompt": _("链接地址（网址）"), "data-label-image": _("插入图片"),
        "data-label-image-none": _("先保存，在公示页上传图片后，再回来插入正文"), "data-label-undo": _("撤销"),
        "data-label-source": _("源码"),
    }), label=_("正文（直接输入文字，空一行分段；也可用 HTML：加粗、列表、表格、链接、图片）"))

    def __init__(self, *args, compounds=None, buildings=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compound"].queryset = compounds
        self.fields["building"].queryset = buildings


class NoticeImageForm(forms.Form):
    image = forms.FileField(label=_("图片"), widget=forms.ClearableFileInput(attrs={"accept": "image/*"}))
    caption = forms.CharField(max_length=80, required=False, label=_("说明"))


class MeetingForm(forms.Form):
    compound = forms.ModelChoiceField(queryset=None, label=_("小区"))
    starts_at = forms.DateTimeField(label=_("时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    place = forms.CharField(max_length=120, label=_("地点"))
    topic = forms.CharField(max_length=160, label=_("议题"))

    def __init__(self, *args, compounds=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compound"].queryset = compounds


class DecisionForm(forms.Form):
    text = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), label=_("决定事项"))
    linked = forms.ChoiceField(required=False, label=_("关联改造项目或意见征求"))
    reference = forms.CharField(max_length=120, required=False, label=_("其他关联事项（编号或名称）"))

    def __init__(self, *args, linkable: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["linked"].choices = [("", "—")] + [(key, str(obj)) for key, obj in (linkable or {}).items()]


class FollowUpForm(forms.Form):
    description = forms.CharField(max_length=200, label=_("跟进事项"))
    owner = forms.CharField(max_length=60, label=_("责任人"))
    due = forms.DateField(label=_("完成期限"), widget=forms.DateInput(attrs={"type": "date"}))


class VisitForm(forms.Form):
    visited_on = forms.DateField(label=_("走访日期"), widget=forms.DateInput(attrs={"type": "date"}))
    visitors = forms.CharField(max_length=80, label=_("走访人"))
    renovation = forms.ChoiceField(choices=[("", "—")] + list(Answer.choices), required=False, label=_("改造意愿"))
    access_control = forms.ChoiceField(choices=[("", "—")] + list(Answer.choices), required=False, label=_("门禁安装"))
    property_management = forms.ChoiceField(choices=[("", "—")] + list(Answer.choices), required=False, label=_("物业管理"))
    illegal_structures = forms.ChoiceField(choices=[("", "—")] + list(Answer.choices), required=False, label=_("违建拆除"))
    elevator = forms.ChoiceField(choices=[("", "—")] + list(Answer.choices), required=False, label=_("电梯安装"))
    concerns = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label=_("诉求与顾虑"))
    follow_up = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label=_("跟进措施"))


class ActivityForm(forms.Form):
    person = forms.ModelChoiceField(queryset=None, label=_("人员"))
    on = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(choices=ActivityKind.choices, label=_("类型"))
    hours = forms.DecimalField(max_digits=4, decimal_places=1, min_value=0.1, max_value=24, label=_("时长（小时）"))
    visits = forms.IntegerField(min_value=0, initial=0, label=_("走访户数"))
    note = forms.CharField(max_length=200, required=False, label=_("说明"))

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people


class PledgeForm(forms.Form):
    membership = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(choices=PledgeKind.choices, label=_("承诺事项"))
    status = forms.ChoiceField(choices=PledgeStatus.choices, label=_("状态"))


class MemberForm(forms.Form):
    person = forms.ModelChoiceField(queryset=None, label=_("人员"))
    duty = forms.CharField(max_length=30, required=False, label=_("职务"))

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people


class VolunteerForm(forms.Form):
    person = forms.ModelChoiceField(queryset=None, label=_("人员"))
    role = forms.ChoiceField(choices=VolunteerRole.choices, label=_("岗位"))
    project_reference = forms.CharField(max_length=120, required=False, label=_("项目（可不填）"))

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
