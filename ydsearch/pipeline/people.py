"""People a document names: who holds which role, and run-together deck lines.

Names are matched on the Simplified text.  A name is a name: time words,
verbs, titles and connectives around it are never glued on (``林德贝里当天表示`` →
``林德贝里``; ``总理候选人哈贝尔`` → ``哈贝尔``), and a role starts with the role
(``而荷兰首相`` → ``荷兰首相``, ``应邀访华的秘鲁总统`` → ``秘鲁总统``).
"""
import re
from functools import lru_cache
from typing import Dict, Iterable, List, Optional

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
# Last characters of every title: a text without any of them names nobody (fast path).
_TITLE_CHARS = frozenset(t[-1] for t in TITLES.split("|")) | frozenset("王储督臣长")
_NAME = rf"[{_SURNAME_CLASS}][{HAN}]{{1,2}}?"
# Time words and adverbs that follow a name without being part of it.
_AFTER_NAME = (
    "当天|当日|当地时间|今天|今日|昨天|昨日|日前|近日|此前|随后|先后|首先|再次|同时|也|还|则|又|曾|都|已|时"
)
_FOLLOW = (
    r"(?=$|[^\u3400-\u9fff\s]|出席|主持|在|说|指出|强调|表示|认为|要求|代表|等|和|同志|会见|会谈"
    r"|通报|提出|介绍|宣布|发表|讲话|致辞|参加|陪同|一行|分别|对|向"
    r"|与|同|就|率|作|答|回答|应约|应邀|专程|前往|来到|到|视察|调研|考察|" + _AFTER_NAME + ")"
)
# A name damaged beyond repair (``邓□敢``, see normalize.LOST) keeps its place in a
# list so the names after it are still read; it is never taken as a name itself.
_DAMAGED_NAME = rf"[{HAN}]{{0,2}}\u25a1[{HAN}]{{0,2}}"
ROLE_NAME_RE = re.compile(
    rf"({TITLES})((?:{_NAME})(?:、(?:{_NAME}|{_DAMAGED_NAME}))*){_FOLLOW}")
# Foreign heads of state and the like: no surname check, so a stricter ending.
# A title word after the head-of-state title belongs to the role (``总统助理``).
_ROLE_SUFFIX = "助理|新闻秘书|发言人|特使|特别代表|候选人|顾问|夫人|办公室主任"
FOREIGN_RE = re.compile(
    rf"((?:总统|副总统|首相|总理|议长|国王|女王|王储|外长|外交大臣|总督)"
    rf"(?:{_ROLE_SUFFIX}|兼[{HAN}]{{1,5}}?(?:长|大臣))?)"
    rf"([{HAN}]{{2,6}}?(?:·[{HAN}]{{1,6}}?)*)"
    r"(?=在|表示|说|称|指出|强调|会见|会谈|举行|出席|访华|访问|互致|致|共同|一道|同|就|和|与"
    r"|发文|发言|宣布|谴责|汇报|报告|回应|反驳|警告|宣誓|参加|向|对|签署|呼吁|重申|认为|告诉|透露"
    r"|介绍|通报|提出|要求|抵达|会晤|通电话|致电|祝贺|等"
    r"|" + _AFTER_NAME + r"|[，,。：:；;、]|\d)"
)
# Two-character words that look like surname + given name.
NOT_NAMES = frozenset(
    "文件 文化 文明 金融 安全 成功 高度 方面 方式 方向 和平 于是 程度 全面 应对 应当 石油 华人 向前"
    " 常委 任务 任期 任命 任职 任何 关于 关键 高层 高级 高新 宁夏 江苏 江西 安徽 上海 黄河 长江"
    " 代表 卫生 一道 一起 史上 周年 周边 孙子 马上 田间 谢谢 何时 于此 余下 包括 车辆 管理 国家 党委"
    " 鲜明 郑重 一致 共同 选举 班子".split()
)
_SEGMENT_BREAK = re.compile(r"[，,；;。：:()（）\s“”\"!！?？]")
_ROLE_LEAD = re.compile(
    r"^.*(?:由|会见|陪同|听取|邀请|会同|受|在|了|同|与|向|为|对|和|致函|致电|致信|发表|是"
    r"|表示|强调|指出|说)")
# Connectives and time words a role never starts with (``而荷兰首相``, ``当天智利总统``).
_ROLE_NOISE = re.compile(
    r"^(?:不过|但是|但|而且|而|并且|并|同时|此外|另外|据|其中|随后|当天|当日|今天|今日|昨天|日前"
    r"|近日|此前|目前|然而|对此|为此|因此|所以|就此|其后|之后|此后|如今|眼下|会上|会后|期间"
    r"|当地时间|\d+日|[上下]午|晚间|晚上|也|还|则|又|曾|已|即|就|及|以及|包括)+")
_NOT_FOREIGN = re.compile(r"[的了在和是为将赴请邀向对把被从给这那府部院办会委局厅表声话持要求示批电]"
                          r"|大选|询问|没有|官邸|班子|连续|反复|动情|激动|候选|宣誓|第|新闻|助理|特使"
                          r"|顾问|发言|选举|一致|共同|致函|连续|郑重")
# Never inside a name, domestic or foreign: verbs of speech and title words; never
# its start: an adverb after a title (``某国总统已经签署…``); never its end: the suffix
# of a place read after a title (``湖南省长沙市``: 省长 + 沙市).
_BAD_NAME = re.compile(r"指出|表示|强调|认为|要求|宣布|发言|新闻|助理|特使|顾问|候选|连续|^兼"
                       r"|^(?:已经|曾经|正在|仍然|依然|再次|首次|亲自|专门|随即|立即|一直|始终"
                       r"|即将|刚刚|当即)|[市县省]$")
_DECK_RE = re.compile(rf"([{HAN}]{{2,}}?)(?:出席|主持|参加|陪同)$")


@lru_cache(maxsize=1)
def gazetteer() -> frozenset:
    """National leaders and other names valid in any document (``data/people.txt``)."""
    from ..data import read_text

    text = read_text("people.txt")
    names = (line.split("#")[0].split("\t")[0].strip() for line in text.splitlines())
    return frozenset(n for n in names if n)


_NAMED_TITLE = re.compile(rf"(?:{TITLES}|{_ROLE_SUFFIX})[^、]{{1,8}}$")


def clean_role(role: str) -> str:
    """The role itself: what follows a participle (``…的``), another person's
    ``title+name、``, connectives and time words."""
    if "的" in role:
        role = role.rsplit("的", 1)[1]
    parts = role.split("、")
    for i in range(len(parts) - 2, -1, -1):
        if _NAMED_TITLE.search(parts[i]) and not re.search(rf"(?:{TITLES})$", parts[i]):
            parts = parts[i + 1:]  # ``芬兰总统科斯基宁、智利总统``: the role after the name
            break
    role = "、".join(parts)
    return _ROLE_NOISE.sub("", _ROLE_LEAD.sub("", role)).strip("、 ")


def _role_before(text: str, start: int) -> str:
    seg = max((m.end() for m in _SEGMENT_BREAK.finditer(text, 0, start)), default=0)
    return clean_role(text[seg:start])


def find_people(texts: Iterable[str]) -> Dict[str, Optional[str]]:
    """Names stated with a role (``上海市委书记李强``), in order, with the first role."""
    people: Dict[str, Optional[str]] = {}
    for text in texts:
        if not any(t in text for t in _TITLE_CHARS):
            continue
        domestic = list(ROLE_NAME_RE.finditer(text))
        taken = {m.start(2) for m in domestic}
        foreign = [m for m in FOREIGN_RE.finditer(text)
                   if m.start(2) not in taken and not _NOT_FOREIGN.search(m.group(2))]
        for m in domestic + foreign:
            role = _role_before(text, m.start(2)) or m.group(1)
            for name in m.group(2).split("、"):
                if name not in NOT_NAMES and "\u25a1" not in name and people.get(name) is None \
                        and not _BAD_NAME.search(name):
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


