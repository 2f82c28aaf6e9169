"""Done when: staff write a notice with a heading and a list in the editor (no HTML typed), on a desktop or
a phone, paste from Word without carrying Word's styles along, and residents see it formatted."""

from __future__ import annotations

import pytest

from anju.participation import demo
from anju.participation.models import Notice
from anju.roster import demo as roster_demo
from tests.e2e.test_participation_browser import log_in
from tests.participation.conftest import jpeg_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# What Word puts on the clipboard for a title, a bold word and a two-item bulleted list (shortened).
WORD_HTML = """<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><style>p.MsoNormal{margin:0}</style></head>
<body lang=ZH-CN><!--StartFragment--><h1 style='mso-outline-level:1'><span style='font-family:黑体'>停水通知</span></h1>
<p class=MsoNormal style='color:red' onclick="alert(1)">请<b><span style='font-size:14pt'>提前储水</span></b><o:p></o:p></p>
<p class=MsoListParagraphCxSpFirst style='mso-list:l0 level1 lfo1'><![if !supportLists]><span style='mso-list:Ignore'>·<span>&nbsp;&nbsp;</span></span><![endif]>1栋：3月1日<o:p></o:p></p>
<p class=MsoListParagraphCxSpLast style='mso-list:l0 level1 lfo1'><![if !supportLists]><span style='mso-list:Ignore'>·<span>&nbsp;&nbsp;</span></span><![endif]>2栋：3月2日<o:p></o:p></p>
<p class=MsoNormal><img src="file:///C:/Users/x/AppData/Local/Temp/msohtmlclip1/01/clip_image001.png"><script>alert(2)</script><o:p>&nbsp;</o:p></p>
<!--EndFragment--></body></html>"""


def open_new_notice(page, live_server) -> None:
    log_in(page, live_server, "nanzhuangping")
    page.goto(f"{live_server.url}/participation/notices/new/")
    page.wait_for_selector("[data-testid=rich-area]")
    page.select_option("#id_compound", label="世纪花园")
    page.fill("#id_title", "二期施工安排")


def test_staff_write_a_heading_and_a_list_and_residents_see_them(desktop, phone, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    demo.load_demo(roster_demo.load_demo())
    page = desktop
    open_new_notice(page, live_server)
    assert not page.locator("#id_body_html").is_visible()  # the textarea stays in the form, behind the editor
    area = page.locator("[data-testid=rich-area]")
    area.click()
    page.click("button[data-action=heading]")
    page.keyboard.type("施工时间")
    page.keyboard.press("Enter")
    page.keyboard.type("工期约两个月，")
    page.click("button[data-action=bold]")
    page.keyboard.type("请注意安全")
    page.click("button[data-action=bold]")
    page.keyboard.type("。")
    page.keyboard.press("Enter")
    page.click("button[data-action=insertUnorderedList]")
    page.keyboard.type("拆除违建：3月1日")
    page.keyboard.press("Enter")
    page.keyboard.type("管线改造：3月10日")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # leaves the list
    page.keyboard.insert_text("多谢配合")  # as a Chinese input method commits a phrase
    assert "多谢配合" in area.inner_text()
    page.click("button[data-action=undo]")  # takes the phrase back
    assert "多谢" not in area.inner_text()
    page.click("form[data-testid=notice-form] button[type=submit]")
    page.wait_for_selector("text=打印 A4（PDF）")

    notice = Notice.objects.get(title="二期施工安排")
    assert notice.body_html == ("<h2>施工时间</h2><p>工期约两个月，<b>请注意安全</b>。</p>"
                                "<ul><li>拆除违建：3月1日</li><li>管线改造：3月10日</li></ul>")
    page.click("button:has-text('发布')")
    page.wait_for_selector("[data-testid=public-link]")

    phone.goto(f"{live_server.url}/participation/n/{notice.pk}/")
    body = phone.locator("[data-testid=notice-body]")
    assert body.locator("h2").inner_text() == "施工时间"
    assert body.locator("ul li").all_inner_texts() == ["拆除违建：3月1日", "管线改造：3月10日"]

    # Editing again starts from the saved notice, formatting and all.
    page.goto(f"{live_server.url}/participation/notices/{notice.pk}/edit/")
    page.wait_for_selector("[data-testid=rich-area] h2")
    assert page.locator("[data-testid=rich-area] ul li").count() == 2


def test_pasting_from_word_keeps_only_what_a_notice_may_hold(desktop, live_server):
    roster_demo.load_demo()
    page = desktop
    open_new_notice(page, live_server)
    page.locator("[data-testid=rich-area]").click()
    # Text typed into the empty box, then a new line, is saved as two paragraphs.
    assert page.evaluate("window.anjuCleanHtml('第一行<div>第二行</div><div><br></div>')") == "<p>第一行</p><p>第二行</p>"
    page.evaluate("""html => {
        const data = new DataTransfer();
        data.setData('text/html', html);
        data.setData('text/plain', '停水通知');
        document.querySelector('[data-testid=rich-area]').dispatchEvent(
            new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
    }""", WORD_HTML)
    pasted = page.locator("[data-testid=rich-area]").inner_html()
    for word_only in ("style", "class", "Mso", "o:p", "onclick", "script", "file:", "·", "span"):
        assert word_only not in pasted
    assert page.locator("[data-testid=rich-area] h2").inner_text() == "停水通知"
    assert page.locator("[data-testid=rich-area] ul li").all_inner_texts() == ["1栋：3月1日", "2栋：3月2日"]
    assert page.locator("[data-testid=rich-area] b").inner_text() == "提前储水"
    page.click("form[data-testid=notice-form] button[type=submit]")
    page.wait_for_selector("text=打印 A4（PDF）")
    saved = Notice.objects.get(title="二期施工安排").body_html
    assert "<h2>停水通知</h2>" in saved and "<ul><li>1栋：3月1日</li><li>2栋：3月2日</li></ul>" in saved


def test_the_editor_fits_a_phone_with_thumb_sized_buttons(phone, live_server):
    roster_demo.load_demo()
    open_new_notice(phone, live_server)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    for box in phone.locator(".rich-toolbar button").evaluate_all("bs => bs.map(b => b.getBoundingClientRect().height)"):
        assert box >= 44
    area = phone.locator("[data-testid=rich-area]")
    area.click()
    phone.click("button[data-action=insertOrderedList]")
    phone.keyboard.type("第一步")
    phone.click("form[data-testid=notice-form] button[type=submit]")
    phone.wait_for_selector("text=打印 A4（PDF）")
    assert "<ol><li>第一步</li></ol>" in Notice.objects.get(title="二期施工安排").body_html


def test_an_uploaded_picture_and_a_link_go_into_the_text(desktop, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    roster_demo.load_demo()
    page = desktop
    open_new_notice(page, live_server)
    assert page.locator("button[data-action=image]").is_disabled()  # nothing uploaded yet: saved first
    page.locator("[data-testid=rich-area]").click()
    page.keyboard.type("现场照片：")
    page.click("form[data-testid=notice-form] button[type=submit]")
    page.wait_for_selector("text=打印 A4（PDF）")
    photo = tmp_path / "围墙.jpg"
    photo.write_bytes(jpeg_bytes())
    page.set_input_files("#id_image", str(photo))
    page.fill("#id_caption", "北侧围墙")
    page.click("button:has-text('上传')")
    page.wait_for_selector("img.img-thumbnail")
    page.click("a:has-text('修改')")
    page.wait_for_selector("[data-testid=rich-area]")
    page.locator("[data-testid=rich-area] div").click()
    page.keyboard.press("End")
    page.click("button[data-action=image]")
    page.click(".rich-picker button:has-text('北侧围墙')")
    page.keyboard.type("详见")
    page.once("dialog", lambda dialog: dialog.accept("www.example.gov.cn"))
    page.click("button[data-action=link]")
    page.click("form[data-testid=notice-form] button[type=submit]")
    page.wait_for_selector("text=打印 A4（PDF）")
    notice = Notice.objects.get(title="二期施工安排")
    image = notice.images.get()
    assert f'<img src="/participation/n/image/{image.pk}/" alt="北侧围墙">' in notice.body_html
    assert '<a href="https://www.example.gov.cn" rel="nofollow noopener">' in notice.body_html
