"""Document metadata from cleaned paragraphs (matched on the Simplified text).

Dates are never guessed: a month and day count only when the year is stated
(``2020年度…座谈会``, ``2024年6月5日``), given by the input's metadata, or the
date falls within a month before a known publication date of the same year.
A bare ``30日`` gives nothing.  Metadata passed in by the caller wins.
"""
import datetime as _dt
import re
from functools import lru_cache
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from ..models import Attendee

HAN = "\u3400-\u4dbf\u4e00-\u9fff"
# Common single-character surnames (Simplified).  Characters that are also very
# common words (和, 时, 都, 国 …) are left out on purpose.
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余"
    "杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史"
    "陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟"
    "殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游"
    "辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳穆农卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜"
    "冷晏席卫米柏宗瞿桂佟应臧闵苟邬边卞姬师仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩佘池查麻苑"
    "迟邝官封谈匡鞠惠荆乐冀郁胥南班储栗燕楚鄢劳谌奚皮粟冼蔺楼闻厉伊仝郜阚花权帅屠豆朴"
    "盖练廉禹井祖漆巴丰支卿狄宣晋芮扈晁阙浦戈伏鹿薄邸雍辜羊乌母裘亓修邰赫杭况宿鲜印逯"
    "茹诸战慕危银亢嵇哈湛宾戎勾茅揭尉冶斯束檀衣信昝智幸奉植衡富尧闭习阎庹钮铁竺鄂"
)
_SURNAME_CLASS = "".join(sorted(SURNAMES))
TITLES = (
    "委员长|总书记|副书记|书记|代省长|副省长|省长|代市长|副市长|市长|副主席|主席|副总理|总理"
    "|国务委员|常委|委员|副主任|主任|秘书长|副部长|部长|县长|区长|局长|厅长|院长|会长|行长"
    "|发言人|领导|董事长|总经理|校长|大使|总统|首相|总裁|司令员|政委|州长|特首|行政长官|组长"
)
_NAME = rf"[{_SURNAME_CLASS}][{HAN}]{{1,2}}?"
_FOLLOW = (
    r"(?=$|[^\u3400-\u9fff\s]|出席|主持|在|说|指出|强调|表示|认为|要求|代表|等|和|同志|会见|会谈"
    r"|通报|提出|介绍|宣布|发表|讲话|致辞|参加|陪同|一行|分别|今天|今日|日前|近日|也|还|对|向"
    r"|与|同|就|率|作|答|回答|应约|应邀|专程|先后|首先|随后|前往|来到|到|视察|调研|考察)"
)
# A name damaged beyond repair (``邓□敢``, see normalize.LOST) keeps its place in a
# list so the names after it are still read; it is never taken as a name itself.
_DAMAGED_NAME = rf"[{HAN}]{{0,2}}\u25a1[{HAN}]{{0,2}}"
ROLE_NAME_RE = re.compile(
    rf"({TITLES})((?:{_NAME})(?:、(?:{_NAME}|{_DAMAGED_NAME}))*){_FOLLOW}")
# Foreign heads of state and the like: no surname check, so a stricter ending.
FOREIGN_RE = re.compile(
    rf"(总统|副总统|首相|总理|议长|国王|女王|王储|外长|外交大臣|总督)([{HAN}]{{2,6}}?(?:·[{HAN}]{{1,6}})*)"
    r"(?=在|表示|说|称|指出|强调|会见|会谈|举行|出席|访华|访问|互致|致|共同|一道|同|就|和|与|[，,。：:]|\d)"
)
# Two-character words that look like surname + given name.
NOT_NAMES = frozenset(
    "文件 文化 文明 金融 安全 成功 高度 方面 方式 方向 和平 于是 程度 全面 应对 应当 石油 华人 向前"
    " 常委 任务 任期 任命 任职 任何 关于 关键 高层 高级 高新 宁夏 江苏 江西 安徽 上海 黄河 长江"
    " 代表 卫生 一道 一起 史上 周年 周边 孙子 马上 田间 谢谢 何时 于此 余下 包括 车辆 管理 国家 党委".split()
)
_SEGMENT_BREAK = re.compile(r"[，,；;。：:()（）\s“”\"!！?？]")
_ROLE_LEAD = re.compile(r"^.*(?:由|会见|陪同|听取|邀请|会同|受|在|了|同|与|向|为|对|和)")
_NOT_FOREIGN = re.compile(r"[的了在和是为将赴请邀向对把被从给这那府部院办会委局厅表声话持要求示批电]")
_DECK_RE = re.compile(rf"([{HAN}]{{2,}}?)(?:出席|主持|参加|陪同)$")
_MEETING_END = "座谈会|领导小组会议|联席会议|工作会议|推进会|峰会|论坛|大会|会议"
_MEETING_RE = re.compile(
    rf"((?:\d{{4}}年度?)?[{HAN}\d]{{2,40}}?(?:{_MEETING_END}))(?=在|召开|举行|上|并|于|$|[，,。；\s])"
)
_MEETING_TRIM = re.compile(r"召开了?|举行了?|举办了?|主持|出席|参加|在|确定|审议|今年|明年")
_DATE_RE = re.compile(
    r"(?<!\d)(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日(?:(?:至|到|-|—|－|~)(?:(\d{1,2})月)?(\d{1,2})日)?"
)
_ISO_RE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_SOURCE_RE = re.compile(r"来源\s*[:：]\s*([^\s:：|]+?)(?=分享|作者|责编|编辑|时间|$|\s|\|)")
_WIRE_RE = re.compile(rf"^([{HAN}]{{2,10}}?)(?:、[^讯，,。]{{2,15}})?讯")
_MASTHEAD_RE = re.compile(rf"^([{HAN}]{{2,8}}报)$")
PROVINCES = ("上海", "江苏", "浙江", "安徽")
CITY_PROVINCE = {"上海": "上海"}
for _prov, _cities in (
    ("江苏", "南京 无锡 徐州 常州 苏州 南通 连云港 淮安 盐城 扬州 镇江 泰州 宿迁"),
    ("浙江", "杭州 宁波 温州 嘉兴 湖州 绍兴 金华 衢州 舟山 台州 丽水"),
    ("安徽", "合肥 芜湖 蚌埠 淮南 马鞍山 淮北 铜陵 安庆 黄山 滁州 阜阳 宿州 六安 亳州 池州 宣城"),
):
    CITY_PROVINCE.update((c, _prov) for c in _cities.split())
del _prov, _cities
_CITIES = "|".join(sorted(CITY_PROVINCE, key=len, reverse=True))
_LOC_RE = re.compile(
    rf"在(?:({'|'.join(PROVINCES)})省?)?(?:({_CITIES})市?)?[{HAN}]{{0,4}}?(?:召开|举行|举办|主持)"
)


@lru_cache(maxsize=1)
def gazetteer() -> frozenset:
    """National leaders and other names valid in any document (``data/people.txt``)."""
    from importlib import resources

    try:
        text = resources.files("ydsearch.data").joinpath("people.txt").read_text("utf-8")
    except (AttributeError, FileNotFoundError, ModuleNotFoundError, OSError):
        import os

        path = os.path.join(os.path.dirname(__file__), "data", "people.txt")
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    names = (line.split("#")[0].split("\t")[0].strip() for line in text.splitlines())
    return frozenset(n for n in names if n)


def _role_before(text: str, start: int) -> str:
    seg = max((m.end() for m in _SEGMENT_BREAK.finditer(text, 0, start)), default=0)
    return _ROLE_LEAD.sub("", text[seg:start]).strip("、 ")


def find_people(texts: Iterable[str]) -> Dict[str, Optional[str]]:
    """Names stated with a role (``上海市委书记李强``), in order, with the first role."""
    people: Dict[str, Optional[str]] = {}
    for text in texts:
        foreign = [m for m in FOREIGN_RE.finditer(text) if not _NOT_FOREIGN.search(m.group(2))]
        for m in list(ROLE_NAME_RE.finditer(text)) + foreign:
            role = _role_before(text, m.start(2)) or m.group(1)
            for name in m.group(2).split("、"):
                if name not in NOT_NAMES and "\u25a1" not in name and people.get(name) is None:
                    people[name] = role
    return people


def split_deck(run: str, known: Iterable[str]) -> List[str]:
    """Split a run of names (``李强娄勤俭车俊…``) against known names."""
    names = sorted(set(known), key=len, reverse=True)
    out, pending, i = [], "", 0
    while i < len(run):
        hit = next((n for n in names if run.startswith(n, i)), None)
        if hit is None:
            pending += run[i]
            i += 1
            continue
        if pending and not _piece(pending):
            return []
        out.extend(_piece(pending))
        pending = ""
        out.append(hit)
        i += len(hit)
    if pending and not _piece(pending):
        return []
    return out + _piece(pending)


def _piece(piece: str) -> List[str]:
    return [piece] if 2 <= len(piece) <= 3 and piece[0] in SURNAMES else []


def deck_names(headings: Iterable[str], known: Iterable[str]) -> List[str]:
    """Names in deck lines such as ``吴劲主持 金力出席``."""
    known = set(known)
    out: List[str] = []
    for line in headings:
        for chunk in line.split():
            m = _DECK_RE.match(chunk)
            if m:
                out.extend(n for n in split_deck(m.group(1), known) if n not in out)
    return out


def _date(iso: Optional[str]) -> Optional[_dt.date]:
    try:
        return _dt.date.fromisoformat(iso) if iso else None
    except ValueError:
        return None


def _iso(y: int, m: int, d: int) -> Optional[str]:
    try:
        return _dt.date(y, m, d).isoformat()
    except ValueError:
        return None


def find_published(header: Sequence[str]) -> Optional[str]:
    for line in header:
        m = _ISO_RE.search(line)
        if m:
            return _iso(*map(int, m.groups()))
    return None


def find_source(header: Sequence[str], lede: Optional[str]) -> Optional[str]:
    for line in header:
        m = _SOURCE_RE.search(line)
        if m and re.fullmatch(rf"[{HAN}]{{2,20}}", m.group(1)):
            return m.group(1)
    m = _WIRE_RE.match(lede or "")
    if m and m.group(1) not in ("本报", "本台", "本刊", "本网", "新华社"):
        return m.group(1)
    for line in header:
        m = _MASTHEAD_RE.match(line.strip())
        if m:
            return m.group(1)
    return None


def find_meeting(texts: Sequence[str]) -> Optional[str]:
    for text in texts:
        for m in _MEETING_RE.finditer(text):
            name = _MEETING_TRIM.split(m.group(1))[-1]
            if re.search("长三角|长江三角洲|一体化", name) and len(name) >= 6:
                return name
    return None


def resolve_date(lede: str, year_hint: Optional[int], published: Optional[str]
                 ) -> Tuple[Optional[str], Optional[str]]:
    """``(meeting_date, meeting_end_date)`` from the first date in ``lede``."""
    m = _DATE_RE.search(lede)
    if not m or not m.group(2):
        return None, None  # nothing, or a bare day (``30日``): ambiguous
    y, mo, d, mo2, d2 = (int(g) if g else None for g in m.groups())
    if y is None:
        y = year_hint
    pub = _date(published)
    if y is None and pub:
        start = _iso(pub.year, mo, d)
        if start and 0 <= (pub - _dt.date.fromisoformat(start)).days <= 31:
            y = pub.year
    if y is None:
        return None, None
    end = _iso(y, mo2 or mo, d2) if d2 else None
    return _iso(y, mo, d), end


def find_place(texts: Sequence[str], source: Optional[str], body: str
               ) -> Tuple[Optional[str], Optional[str]]:
    for text in texts:
        for m in _LOC_RE.finditer(text):
            prov, city = m.group(1), m.group(2)
            city = city or (prov if prov == "上海" else None)
            if city:
                return city, CITY_PROVINCE[city]
            if prov:
                return None, prov
    for city, prov in CITY_PROVINCE.items():
        if source and source.startswith(city) and "全市" in body:
            return city, prov
    return None, None


def _lede(paragraphs: Sequence[Tuple[str, str]]) -> str:
    bodies = [t for k, t in paragraphs if k == "body"]
    for text in bodies[:4]:
        if re.search(r"召开|举行|举办|主持", text) and _DATE_RE.search(text):
            return text
    return bodies[0] if bodies else ""


def _attendees(title: Optional[str], paragraphs: Sequence[Tuple[str, str]]
               ) -> Tuple[Attendee, ...]:
    people = find_people(t for _, t in paragraphs)
    headings = [t for k, t in paragraphs if k == "heading"] + ([title] if title else [])
    for name in deck_names(headings, set(people) | gazetteer()):
        people.setdefault(name, None)
    return tuple(Attendee(n, r) for n, r in people.items())


def extract(title: Optional[str], paragraphs: Sequence[Tuple[str, str]],
            header: Sequence[str], meta: Optional[dict] = None) -> dict:
    """Metadata fields of :class:`~ydsearch.models.Document` (Simplified input).

    ``paragraphs`` are ``(kind, simplified_text)``; ``meta`` (from JSONL or a
    sidecar) overrides whatever is extracted.
    """
    meta = dict(meta or {})
    lede = _lede(paragraphs)
    published = meta.get("published") or find_published(header)
    published = str(published)[:10] if published else None
    if published and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", published):
        published = None
    source = find_source(header, lede)
    texts = [lede] + ([title] if title else []) + [t for k, t in paragraphs if k == "heading"]
    meeting = meta.get("meeting") or find_meeting(texts + [t for _, t in paragraphs[:6]])
    m = re.match(r"(\d{4})年", meeting or "")
    year_hint = _int(meta.get("year")) or (int(m.group(1)) if m else None)
    date, end = resolve_date(lede, year_hint, published)
    year = _int(meta.get("year")) or (int(date[:4]) if date else year_hint)
    if meeting and year and meeting.startswith("长三角地区主要领导座谈会"):
        meeting = f"{year}年度{meeting}"
    city, province = find_place([lede] + ([title] if title else []), source, lede)
    out = {
        "title": title, "published": published, "source": source, "url": None,
        "meeting": meeting, "meeting_date": date, "meeting_end_date": end,
        "year": year, "city": city, "province": province,
        "attendees": _attendees(title, paragraphs),
    }
    for key in out:
        if meta.get(key) not in (None, "") and key != "attendees":
            out[key] = _int(meta[key]) if key == "year" else meta[key]
    if meta.get("city") and not meta.get("province"):
        out["province"] = CITY_PROVINCE.get(out["city"])
    elif out["city"] and not out["province"]:
        out["province"] = CITY_PROVINCE.get(out["city"])
    return out


def _int(value) -> Optional[int]:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None
