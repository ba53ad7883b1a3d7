//! Localisation: every string the pre-prompt, the recovery help and the controls show.
//!
//! Built in: English, German, French, Spanish and Japanese. The locale is the first supported
//! primary language subtag of the explicit `locale` option, else of `navigator.languages`, else
//! English. Every string can be overridden by its camelCase key ([`Strings::keys`]).
//!
//! ```ignore
//! let mut strings = Strings::resolve(Some("de-AT"), &[]);
//! assert_eq!(strings.get(Key::AllowOnce), "Dieses Mal zulassen");
//! strings.set_override("allowOnce", "Nur jetzt".into())?;
//! ```
//!
//! Templates hold one placeholder in braces (`{name}`, `{time}`), filled with [`fill`].

use crate::core::types::{Capability, DenyReason, GrantKind, State};

/// Declares [`Key`], the table order ([`ALL_KEYS`]) and the camelCase names ([`NAMES`]) from one list.
macro_rules! keys {
    ($($key:ident = $name:literal),* $(,)?) => {
        /// The key of a localised string. [`Key::name`] is its camelCase name in the `strings` option.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[allow(missing_docs)]
        pub enum Key { $($key),* }

        /// Every key, in table order.
        const ALL_KEYS: [Key; N] = [$(Key::$key),*];

        /// The camelCase names, in table order.
        static NAMES: [&str; N] = [$($name),*];
    };
}

/// How many keys there are.
const N: usize = 41;

keys! {
    AllowOnce = "allowOnce",
    AllowAlways = "allowAlways",
    DontAllow = "dontAllow",
    Close = "close",
    CameraTitle = "cameraTitle",
    CameraReason = "cameraReason",
    MicrophoneTitle = "microphoneTitle",
    MicrophoneReason = "microphoneReason",
    GeolocationTitle = "geolocationTitle",
    GeolocationReason = "geolocationReason",
    NotificationsTitle = "notificationsTitle",
    NotificationsReason = "notificationsReason",
    CameraName = "cameraName",
    MicrophoneName = "microphoneName",
    GeolocationName = "geolocationName",
    NotificationsName = "notificationsName",
    CameraBlocked = "cameraBlocked",
    MicrophoneBlocked = "microphoneBlocked",
    GeolocationBlocked = "geolocationBlocked",
    NotificationsBlocked = "notificationsBlocked",
    RecoveryIntro = "recoveryIntro",
    StepsChromium = "stepsChromium",
    StepsFirefox = "stepsFirefox",
    StepsSafari = "stepsSafari",
    StepsOther = "stepsOther",
    PanelTitle = "panelTitle",
    StateGranted = "stateGranted",
    StateDenied = "stateDenied",
    StatePrompt = "statePrompt",
    GrantOneTime = "grantOneTime",
    GrantPersistent = "grantPersistent",
    ReasonBrowser = "reasonBrowser",
    ReasonUser = "reasonUser",
    ReasonEmbargo = "reasonEmbargo",
    Revoke = "revoke",
    Reset = "reset",
    Help = "help",
    RevokeLabel = "revokeLabel",
    ResetLabel = "resetLabel",
    HelpLabel = "helpLabel",
    ExpiresIn = "expiresIn",
}

impl Key {
    /// The camelCase name of the key (`"allowOnce"`).
    pub fn name(self) -> &'static str {
        NAMES[self as usize]
    }

    /// The key with this camelCase name.
    pub fn from_name(name: &str) -> Option<Key> {
        NAMES.iter().position(|n| *n == name).map(|i| ALL_KEYS[i])
    }
}

type Table = [&'static str; N];

static EN: Table = [
    "Allow this time",
    "Allow on every visit",
    "Don't allow",
    "Close",
    "Use your camera?",
    "This site asks to use your camera for what you are doing now. You can change your choice at any time.",
    "Use your microphone?",
    "This site asks to use your microphone for what you are doing now. You can change your choice at any time.",
    "Use your location?",
    "This site asks to know your location for what you are doing now. You can change your choice at any time.",
    "Show notifications?",
    "This site asks to send you notifications. You can change your choice at any time.",
    "Camera",
    "Microphone",
    "Location",
    "Notifications",
    "Your browser blocks the camera for this site",
    "Your browser blocks the microphone for this site",
    "Your browser blocks your location for this site",
    "Your browser blocks notifications for this site",
    "To allow it again:",
    "Click the site information icon to the left of the address bar.\nTurn on “{name}”, or set it to “Allow”.\nReload the page if your browser asks you to.",
    "Click the crossed-out permission icon (or the padlock) in the address bar.\nNext to “{name}”, click × to clear the block.\nReload the page and try again.",
    "In the menu bar, choose Safari > Settings, then click Websites.\nSelect “{name}” in the list on the left.\nSet this website to “Allow”.\nReload the page.",
    "Open your browser’s settings for this site (often through the icon next to the address).\nAllow “{name}”.\nReload the page.",
    "Site permissions",
    "Allowed",
    "Blocked",
    "Ask",
    "This time",
    "Every visit",
    "Blocked in your browser",
    "You chose Don't allow",
    "Paused after repeated dismissals",
    "Revoke",
    "Reset",
    "How to unblock",
    "Revoke {name}",
    "Reset {name}",
    "How to unblock {name}",
    "Expires in {time}",
];

static DE: Table = [
    "Dieses Mal zulassen",
    "Bei jedem Besuch zulassen",
    "Nicht zulassen",
    "Schließen",
    "Ihre Kamera verwenden?",
    "Diese Website möchte für Ihre aktuelle Aufgabe Ihre Kamera verwenden. Sie können Ihre Wahl jederzeit ändern.",
    "Ihr Mikrofon verwenden?",
    "Diese Website möchte für Ihre aktuelle Aufgabe Ihr Mikrofon verwenden. Sie können Ihre Wahl jederzeit ändern.",
    "Ihren Standort verwenden?",
    "Diese Website möchte für Ihre aktuelle Aufgabe Ihren Standort erfahren. Sie können Ihre Wahl jederzeit ändern.",
    "Benachrichtigungen anzeigen?",
    "Diese Website möchte Ihnen Benachrichtigungen senden. Sie können Ihre Wahl jederzeit ändern.",
    "Kamera",
    "Mikrofon",
    "Standort",
    "Benachrichtigungen",
    "Ihr Browser blockiert die Kamera für diese Website",
    "Ihr Browser blockiert das Mikrofon für diese Website",
    "Ihr Browser blockiert den Standortzugriff für diese Website",
    "Ihr Browser blockiert Benachrichtigungen für diese Website",
    "So erlauben Sie den Zugriff wieder:",
    "Klicken Sie links neben der Adressleiste auf das Symbol für Website-Informationen.\nAktivieren Sie „{name}“ oder stellen Sie es auf „Zulassen“.\nLaden Sie die Seite neu, falls Ihr Browser Sie dazu auffordert.",
    "Klicken Sie in der Adressleiste auf das durchgestrichene Berechtigungssymbol (oder das Schloss).\nKlicken Sie neben „{name}“ auf ×, um die Blockierung aufzuheben.\nLaden Sie die Seite neu und versuchen Sie es erneut.",
    "Wählen Sie in der Menüleiste Safari > Einstellungen und klicken Sie auf „Websites“.\nWählen Sie links „{name}“ aus.\nStellen Sie diese Website auf „Erlauben“.\nLaden Sie die Seite neu.",
    "Öffnen Sie die Einstellungen Ihres Browsers für diese Website (oft über das Symbol neben der Adresse).\nErlauben Sie „{name}“.\nLaden Sie die Seite neu.",
    "Website-Berechtigungen",
    "Erlaubt",
    "Blockiert",
    "Fragen",
    "Dieses Mal",
    "Bei jedem Besuch",
    "Im Browser blockiert",
    "Sie haben „Nicht zulassen“ gewählt",
    "Pausiert, weil die Anfrage mehrmals geschlossen wurde",
    "Widerrufen",
    "Zurücksetzen",
    "Blockierung aufheben",
    "{name} widerrufen",
    "{name} zurücksetzen",
    "Blockierung aufheben: {name}",
    "Läuft ab in {time}",
];

static FR: Table = [
    "Autoriser cette fois",
    "Autoriser à chaque visite",
    "Ne pas autoriser",
    "Fermer",
    "Utiliser votre caméra\u{a0}?",
    "Ce site souhaite utiliser votre caméra pour ce que vous êtes en train de faire. Vous pouvez modifier votre choix à tout moment.",
    "Utiliser votre micro\u{a0}?",
    "Ce site souhaite utiliser votre micro pour ce que vous êtes en train de faire. Vous pouvez modifier votre choix à tout moment.",
    "Utiliser votre position\u{a0}?",
    "Ce site souhaite connaître votre position pour ce que vous êtes en train de faire. Vous pouvez modifier votre choix à tout moment.",
    "Afficher des notifications\u{a0}?",
    "Ce site souhaite vous envoyer des notifications. Vous pouvez modifier votre choix à tout moment.",
    "Caméra",
    "Micro",
    "Position",
    "Notifications",
    "Votre navigateur bloque la caméra pour ce site",
    "Votre navigateur bloque le micro pour ce site",
    "Votre navigateur bloque l’accès à votre position pour ce site",
    "Votre navigateur bloque les notifications pour ce site",
    "Pour l’autoriser à nouveau\u{a0}:",
    "Cliquez sur l’icône d’informations sur le site, à gauche de la barre d’adresse.\nActivez «\u{a0}{name}\u{a0}» ou choisissez «\u{a0}Autoriser\u{a0}».\nActualisez la page si votre navigateur vous le demande.",
    "Cliquez sur l’icône d’autorisation barrée (ou le cadenas) dans la barre d’adresse.\nÀ côté de «\u{a0}{name}\u{a0}», cliquez sur × pour lever le blocage.\nActualisez la page et réessayez.",
    "Dans la barre des menus, choisissez Safari > Réglages, puis cliquez sur Sites web.\nSélectionnez «\u{a0}{name}\u{a0}» dans la liste de gauche.\nRéglez ce site web sur «\u{a0}Autoriser\u{a0}».\nActualisez la page.",
    "Ouvrez les paramètres de votre navigateur pour ce site (souvent via l’icône située à côté de l’adresse).\nAutorisez «\u{a0}{name}\u{a0}».\nActualisez la page.",
    "Autorisations du site",
    "Autorisé",
    "Bloqué",
    "Demander",
    "Cette fois",
    "À chaque visite",
    "Bloqué dans votre navigateur",
    "Vous avez choisi Ne pas autoriser",
    "En pause après plusieurs fermetures de la demande",
    "Révoquer",
    "Réinitialiser",
    "Comment débloquer",
    "Révoquer\u{a0}: {name}",
    "Réinitialiser\u{a0}: {name}",
    "Comment débloquer\u{a0}: {name}",
    "Expire dans {time}",
];

static ES: Table = [
    "Permitir esta vez",
    "Permitir en cada visita",
    "No permitir",
    "Cerrar",
    "¿Usar tu cámara?",
    "Este sitio quiere usar tu cámara para lo que estás haciendo ahora. Puedes cambiar tu elección en cualquier momento.",
    "¿Usar tu micrófono?",
    "Este sitio quiere usar tu micrófono para lo que estás haciendo ahora. Puedes cambiar tu elección en cualquier momento.",
    "¿Usar tu ubicación?",
    "Este sitio quiere conocer tu ubicación para lo que estás haciendo ahora. Puedes cambiar tu elección en cualquier momento.",
    "¿Mostrar notificaciones?",
    "Este sitio quiere enviarte notificaciones. Puedes cambiar tu elección en cualquier momento.",
    "Cámara",
    "Micrófono",
    "Ubicación",
    "Notificaciones",
    "Tu navegador bloquea la cámara para este sitio",
    "Tu navegador bloquea el micrófono para este sitio",
    "Tu navegador bloquea tu ubicación para este sitio",
    "Tu navegador bloquea las notificaciones para este sitio",
    "Para volver a permitirlo:",
    "Haz clic en el icono de información del sitio, a la izquierda de la barra de direcciones.\nActiva «{name}» o elige «Permitir».\nVuelve a cargar la página si el navegador te lo pide.",
    "Haz clic en el icono de permiso tachado (o en el candado) de la barra de direcciones.\nJunto a «{name}», haz clic en × para quitar el bloqueo.\nVuelve a cargar la página e inténtalo de nuevo.",
    "En la barra de menús, elige Safari > Ajustes y haz clic en Sitios web.\nSelecciona «{name}» en la lista de la izquierda.\nAjusta este sitio web en «Permitir».\nVuelve a cargar la página.",
    "Abre la configuración del navegador para este sitio (a menudo desde el icono junto a la dirección).\nPermite «{name}».\nVuelve a cargar la página.",
    "Permisos del sitio",
    "Permitido",
    "Bloqueado",
    "Preguntar",
    "Esta vez",
    "En cada visita",
    "Bloqueado en tu navegador",
    "Elegiste No permitir",
    "En pausa tras cerrar la solicitud varias veces",
    "Revocar",
    "Restablecer",
    "Cómo desbloquear",
    "Revocar: {name}",
    "Restablecer: {name}",
    "Cómo desbloquear: {name}",
    "Caduca en {time}",
];

static JA: Table = [
    "今回のみ許可",
    "アクセスするたびに許可",
    "許可しない",
    "閉じる",
    "カメラを使用しますか？",
    "このサイトは、いま行っている操作のためにカメラの使用を求めています。選択はいつでも変更できます。",
    "マイクを使用しますか？",
    "このサイトは、いま行っている操作のためにマイクの使用を求めています。選択はいつでも変更できます。",
    "現在地を使用しますか？",
    "このサイトは、いま行っている操作のために現在地の取得を求めています。選択はいつでも変更できます。",
    "通知を表示しますか？",
    "このサイトは通知の送信を求めています。選択はいつでも変更できます。",
    "カメラ",
    "マイク",
    "位置情報",
    "通知",
    "このサイトのカメラはブラウザでブロックされています",
    "このサイトのマイクはブラウザでブロックされています",
    "このサイトの位置情報はブラウザでブロックされています",
    "このサイトの通知はブラウザでブロックされています",
    "もう一度許可するには、次の手順に従ってください。",
    "アドレスバーの左にあるサイト情報アイコンをクリックします。\n「{name}」をオンにするか、「許可」を選択します。\nブラウザから求められた場合は、ページを再読み込みします。",
    "アドレスバーにある斜線付きの許可アイコン（または鍵アイコン）をクリックします。\n「{name}」の横にある × をクリックして、ブロックを解除します。\nページを再読み込みして、もう一度お試しください。",
    "メニューバーで「Safari」>「設定」を選び、「Webサイト」をクリックします。\n左側のリストで「{name}」を選択します。\nこのWebサイトを「許可」に設定します。\nページを再読み込みします。",
    "ブラウザでこのサイトの設定を開きます（多くの場合、アドレスの横にあるアイコンから開けます）。\n「{name}」を許可します。\nページを再読み込みします。",
    "サイトの権限",
    "許可",
    "ブロック",
    "確認する",
    "今回のみ",
    "アクセスするたび",
    "ブラウザでブロック中",
    "「許可しない」を選択済み",
    "何度も閉じられたため一時停止中",
    "取り消す",
    "リセット",
    "ブロック解除の方法",
    "{name}の許可を取り消す",
    "{name}をリセット",
    "{name}のブロック解除の方法",
    "有効期限まで {time}",
];

/// The built-in locales: language subtag and table.
static LOCALES: [(&str, &Table); 5] = [
    ("en", &EN),
    ("de", &DE),
    ("fr", &FR),
    ("es", &ES),
    ("ja", &JA),
];

/// The browser family, for the recovery steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BrowserFamily {
    /// Chrome, Edge, Chromium, Opera and other Chromium browsers.
    Chromium,
    /// Firefox.
    Firefox,
    /// Safari (and other WebKit browsers).
    Safari,
    /// Anything else.
    Other,
}

impl BrowserFamily {
    /// The family of a `navigator.userAgent` string.
    pub fn detect(user_agent: &str) -> BrowserFamily {
        // A byte-window search: `str::contains` would pull in a substring searcher and its
        // panic formatting (several KB of wasm).
        let has = |s: &str| {
            user_agent
                .as_bytes()
                .windows(s.len())
                .any(|w| w == s.as_bytes())
        };
        if has("Firefox/") || has("FxiOS/") {
            BrowserFamily::Firefox
        } else if has("Chrome/") || has("Chromium/") || has("CriOS/") || has("Edg") || has("OPR/") {
            BrowserFamily::Chromium
        } else if has("Safari/") || has("AppleWebKit/") {
            BrowserFamily::Safari
        } else {
            BrowserFamily::Other
        }
    }

    /// The family of the running browser.
    pub fn current() -> BrowserFamily {
        let ua = web_sys::window().and_then(|w| w.navigator().user_agent().ok());
        BrowserFamily::detect(ua.as_deref().unwrap_or(""))
    }
}

/// The resolved strings of one locale, with the site's overrides.
#[derive(Clone, Debug, Default)]
pub struct Strings {
    locale: usize,
    overrides: Vec<(Key, String)>,
}

/// The index of the built-in locale of a language tag (`"de-CH"` -> German), if any.
fn locale_of(tag: &str) -> Option<usize> {
    let primary = tag.trim().split(['-', '_']).next().unwrap_or("");
    LOCALES
        .iter()
        .position(|(l, _)| l.eq_ignore_ascii_case(primary))
}

impl Strings {
    /// The strings for the first supported locale: the explicit `locale`, else the first of
    /// `languages` (in `navigator.languages` order), else English.
    pub fn resolve(locale: Option<&str>, languages: &[String]) -> Strings {
        let locale = locale
            .and_then(locale_of)
            .or_else(|| languages.iter().find_map(|l| locale_of(l)))
            .unwrap_or(0);
        Strings {
            locale,
            overrides: Vec::new(),
        }
    }

    /// [`Strings::resolve`] with the languages of `navigator.languages` (or `navigator.language`).
    pub fn from_navigator(locale: Option<&str>) -> Strings {
        Strings::resolve(locale, &navigator_languages())
    }

    /// Replaces the string of a key (by its camelCase name). `Err` names an unknown key.
    pub fn set_override(&mut self, key: &str, value: String) -> Result<(), String> {
        let Some(k) = Key::from_name(key) else {
            let mut e = String::from("unknown string key: ");
            e.push_str(key);
            return Err(e);
        };
        self.overrides.retain(|(o, _)| *o != k);
        self.overrides.push((k, value));
        Ok(())
    }

    /// The string of a key: the override if there is one, else the locale's own.
    pub fn get(&self, key: Key) -> &str {
        match self.overrides.iter().find(|(k, _)| *k == key) {
            Some((_, v)) => v,
            None => LOCALES[self.locale].1[key as usize],
        }
    }

    /// The language subtag of the resolved locale (`"en"`, `"de"`, `"fr"`, `"es"`, `"ja"`).
    pub fn locale(&self) -> &'static str {
        LOCALES[self.locale].0
    }

    /// Every overridable key, by camelCase name.
    pub fn keys() -> &'static [&'static str] {
        &NAMES
    }

    fn by_cap(&self, cap: Capability, keys: [Key; 4]) -> &str {
        self.get(keys[cap.index()])
    }

    /// The default pre-prompt title of a capability ("Use your camera?").
    pub fn title(&self, cap: Capability) -> &str {
        use Key::*;
        self.by_cap(
            cap,
            [
                CameraTitle,
                MicrophoneTitle,
                GeolocationTitle,
                NotificationsTitle,
            ],
        )
    }

    /// The default pre-prompt reason of a capability.
    pub fn reason(&self, cap: Capability) -> &str {
        use Key::*;
        self.by_cap(
            cap,
            [
                CameraReason,
                MicrophoneReason,
                GeolocationReason,
                NotificationsReason,
            ],
        )
    }

    /// The display name of a capability ("Camera").
    pub fn name(&self, cap: Capability) -> &str {
        use Key::*;
        self.by_cap(
            cap,
            [
                CameraName,
                MicrophoneName,
                GeolocationName,
                NotificationsName,
            ],
        )
    }

    /// The recovery help title of a capability ("Your browser blocks the camera for this site").
    pub fn blocked(&self, cap: Capability) -> &str {
        use Key::*;
        self.by_cap(
            cap,
            [
                CameraBlocked,
                MicrophoneBlocked,
                GeolocationBlocked,
                NotificationsBlocked,
            ],
        )
    }

    /// The recovery steps of a capability in a browser, in order.
    pub fn steps(&self, cap: Capability, browser: BrowserFamily) -> Vec<String> {
        let key = match browser {
            BrowserFamily::Chromium => Key::StepsChromium,
            BrowserFamily::Firefox => Key::StepsFirefox,
            BrowserFamily::Safari => Key::StepsSafari,
            BrowserFamily::Other => Key::StepsOther,
        };
        let name = self.name(cap);
        self.get(key)
            .split('\n')
            .filter(|s| !s.trim().is_empty())
            .map(|s| fill(s, name))
            .collect()
    }

    /// The name of a reported state ("Allowed", "Blocked", "Ask").
    pub fn state(&self, state: State) -> &str {
        self.get(match state {
            State::Granted => Key::StateGranted,
            State::Denied => Key::StateDenied,
            State::Prompt => Key::StatePrompt,
        })
    }

    /// The name of a grant kind ("This time", "Every visit").
    pub fn grant(&self, grant: GrantKind) -> &str {
        self.get(match grant {
            GrantKind::OneTime => Key::GrantOneTime,
            GrantKind::Persistent => Key::GrantPersistent,
        })
    }

    /// Why a capability is denied, in words.
    pub fn deny_reason(&self, reason: DenyReason) -> &str {
        self.get(match reason {
            DenyReason::Browser | DenyReason::System | DenyReason::Policy => Key::ReasonBrowser,
            DenyReason::User => Key::ReasonUser,
            DenyReason::Embargo => Key::ReasonEmbargo,
        })
    }

    /// "Expires in 15:59:59" for the milliseconds left.
    pub fn expires_in(&self, ms_left: u64) -> String {
        fill(self.get(Key::ExpiresIn), &format_time_left(ms_left))
    }
}

/// The languages of `navigator.languages`, else `navigator.language`, else none.
pub fn navigator_languages() -> Vec<String> {
    let Some(nav) = web_sys::window().map(|w| w.navigator()) else {
        return Vec::new();
    };
    let mut out: Vec<String> = nav
        .languages()
        .iter()
        .filter_map(|v| v.as_string())
        .collect();
    if out.is_empty() {
        out.extend(nav.language());
    }
    out
}

/// The template with each `{placeholder}` replaced by `value`.
pub fn fill(template: &str, value: &str) -> String {
    let mut out = String::with_capacity(template.len() + value.len());
    let mut rest = template;
    while let Some((before, after)) = rest.split_once('{') {
        let Some((_, tail)) = after.split_once('}') else {
            break;
        };
        out.push_str(before);
        out.push_str(value);
        rest = tail;
    }
    out.push_str(rest);
    out
}

/// Milliseconds left as `H:MM:SS`, rounded up to the second (`57_599_000` -> `"15:59:59"`).
pub fn format_time_left(ms: u64) -> String {
    let secs = ms.div_ceil(1000);
    let mut out = String::with_capacity(8);
    push_uint(&mut out, secs / 3600);
    for part in [secs / 60 % 60, secs % 60] {
        out.push(':');
        if part < 10 {
            out.push('0');
        }
        push_uint(&mut out, part);
    }
    out
}

/// Appends the decimal digits of `n` (no `format!`).
fn push_uint(out: &mut String, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &b in &buf[i..] {
        out.push(b as char);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn langs(l: &[&str]) -> Vec<String> {
        l.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn time_left_is_formatted_without_floats() {
        assert_eq!(format_time_left(0), "0:00:00");
        assert_eq!(format_time_left(1), "0:00:01");
        assert_eq!(format_time_left(1000), "0:00:01");
        assert_eq!(format_time_left(59_000), "0:00:59");
        assert_eq!(format_time_left(60_000), "0:01:00");
        assert_eq!(format_time_left(57_599_000), "15:59:59");
        assert_eq!(format_time_left(57_600_000), "16:00:00");
        assert_eq!(format_time_left(360_000_000), "100:00:00");
        let en = Strings::resolve(None, &[]);
        assert_eq!(en.expires_in(57_599_000), "Expires in 15:59:59");
        let de = Strings::resolve(Some("de"), &[]);
        assert_eq!(de.expires_in(61_000), "Läuft ab in 0:01:01");
    }

    #[test]
    fn browsers_are_detected() {
        use BrowserFamily::*;
        let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";
        let edge = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0";
        let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
        let safari = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15";
        let minibrowser = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15";
        let opera = "Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36 OPR/112.0";
        assert_eq!(BrowserFamily::detect(chrome), Chromium);
        assert_eq!(BrowserFamily::detect(edge), Chromium);
        assert_eq!(BrowserFamily::detect(opera), Chromium);
        assert_eq!(BrowserFamily::detect(firefox), Firefox);
        assert_eq!(BrowserFamily::detect(safari), Safari);
        assert_eq!(BrowserFamily::detect(minibrowser), Safari);
        assert_eq!(BrowserFamily::detect("curl/8.0"), Other);
        assert_eq!(BrowserFamily::detect(""), Other);
    }

    #[test]
    fn locale_is_resolved() {
        assert_eq!(Strings::resolve(None, &[]).locale(), "en");
        assert_eq!(
            Strings::resolve(None, &langs(&["de-DE", "en"])).locale(),
            "de"
        );
        assert_eq!(
            Strings::resolve(None, &langs(&["nl", "fr-CA"])).locale(),
            "fr"
        );
        assert_eq!(Strings::resolve(None, &langs(&["es_MX"])).locale(), "es");
        assert_eq!(Strings::resolve(None, &langs(&["zh", "JA"])).locale(), "ja");
        assert_eq!(Strings::resolve(None, &langs(&["nl", "pt"])).locale(), "en");
        assert_eq!(
            Strings::resolve(None, &langs(&["en-GB", "de"])).locale(),
            "en"
        );
        assert_eq!(
            Strings::resolve(Some("ja-JP"), &langs(&["de"])).locale(),
            "ja"
        );
        assert_eq!(Strings::resolve(Some("xx"), &langs(&["es"])).locale(), "es");
        assert_eq!(Strings::resolve(Some(""), &[]).locale(), "en");
    }

    #[test]
    fn overrides_replace_and_unknown_keys_err() {
        let mut s = Strings::resolve(Some("en"), &[]);
        assert_eq!(s.get(Key::AllowOnce), "Allow this time");
        assert_eq!(s.get(Key::AllowAlways), "Allow on every visit");
        assert_eq!(s.get(Key::DontAllow), "Don't allow");
        s.set_override("allowOnce", "Just now".into()).unwrap();
        s.set_override("allowOnce", "Only now".into()).unwrap();
        assert_eq!(s.get(Key::AllowOnce), "Only now");
        let err = s.set_override("allowTwice", "x".into()).unwrap_err();
        assert!(err.contains("allowTwice"));
        s.set_override("cameraName", "Webcam".into()).unwrap();
        assert_eq!(
            fill(s.get(Key::RevokeLabel), s.name(Capability::Camera)),
            "Revoke Webcam"
        );
    }

    #[test]
    fn every_table_is_complete_and_templates_have_placeholders() {
        assert_eq!(Strings::keys().len(), N);
        for (i, name) in NAMES.iter().enumerate() {
            assert_eq!(Key::from_name(name), Some(ALL_KEYS[i]));
            assert_eq!(ALL_KEYS[i] as usize, i);
            assert_eq!(ALL_KEYS[i].name(), *name);
        }
        let templated = [
            Key::StepsChromium,
            Key::StepsFirefox,
            Key::StepsSafari,
            Key::StepsOther,
            Key::RevokeLabel,
            Key::ResetLabel,
            Key::HelpLabel,
            Key::ExpiresIn,
        ];
        for (locale, table) in LOCALES.iter() {
            for (i, s) in table.iter().enumerate() {
                assert!(!s.trim().is_empty(), "{locale} {}", NAMES[i]);
                let wants = templated.contains(&ALL_KEYS[i]);
                assert_eq!(
                    s.contains('{') && s.contains('}'),
                    wants,
                    "{locale} {}",
                    NAMES[i]
                );
            }
            let s = Strings::resolve(Some(locale), &[]);
            for cap in Capability::ALL {
                for b in [
                    BrowserFamily::Chromium,
                    BrowserFamily::Firefox,
                    BrowserFamily::Safari,
                    BrowserFamily::Other,
                ] {
                    let steps = s.steps(cap, b);
                    assert!(steps.len() >= 3);
                    assert!(steps.iter().any(|st| st.contains(s.name(cap))));
                    assert!(steps.iter().all(|st| !st.contains('{')));
                }
            }
        }
    }

    #[test]
    fn fill_replaces_placeholders() {
        assert_eq!(fill("Revoke {name}", "Camera"), "Revoke Camera");
        assert_eq!(fill("{name}をリセット", "カメラ"), "カメラをリセット");
        assert_eq!(fill("no placeholder", "x"), "no placeholder");
        assert_eq!(fill("broken {", "x"), "broken {");
    }
}
