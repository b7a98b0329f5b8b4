//! Who carries the text messages: Twilio's Programmable Messaging API, any gateway that
//! takes a message in a URL (most local aggregators do), or the demo school's operator,
//! which keeps them for the administration's page and sends nothing.

use crate::config::SmsConfig;

/// Why a message did not go.
#[derive(Debug)]
pub struct SendError {
    /// Worth trying again later (the network, the provider busy or down); otherwise the
    /// provider refused this message for good (a wrong number, a refused sender).
    pub retry: bool,
    pub message: String,
}

impl SendError {
    fn retry(message: impl Into<String>) -> Self {
        SendError {
            retry: true,
            message: message.into(),
        }
    }

    fn refused(message: impl Into<String>) -> Self {
        SendError {
            retry: false,
            message: message.into(),
        }
    }
}

/// Sends one text message to a phone number in E.164 form ("+22890112233").
#[async_trait::async_trait]
pub trait Sender: Send + Sync + std::fmt::Debug {
    /// The provider's name, as the administration's page shows it.
    fn name(&self) -> &'static str;
    /// Sends `body`; returns the provider's reference of the message, if it gives one.
    async fn send(&self, to: &str, body: &str) -> Result<Option<String>, SendError>;
}

/// The sender the configuration asks for, if any.
pub fn from_config(c: &SmsConfig) -> anyhow::Result<Option<std::sync::Arc<dyn Sender>>> {
    let http = crate::mobile_money::provider::http_client(c.timeout_secs);
    Ok(match c.provider.as_str() {
        "" => None,
        "twilio" => {
            anyhow::ensure!(
                !c.twilio_sid.is_empty() && !c.twilio_token.0.is_empty() && !c.from.is_empty(),
                "SUKU_SMS_PROVIDER=twilio needs SUKU_TWILIO_ACCOUNT_SID, SUKU_TWILIO_AUTH_TOKEN and SUKU_SMS_FROM"
            );
            Some(std::sync::Arc::new(Twilio {
                http,
                base: c.twilio_url.trim_end_matches('/').to_string(),
                sid: c.twilio_sid.clone(),
                token: c.twilio_token.0.clone(),
                from: c.from.clone(),
            }))
        }
        "http" => {
            anyhow::ensure!(
                c.url_template.starts_with("http")
                    && c.url_template.contains("{to}")
                    && c.url_template.contains("{text}"),
                "SUKU_SMS_URL_TEMPLATE must be an http(s) address with {{to}} and {{text}}"
            );
            Some(std::sync::Arc::new(UrlTemplate {
                http,
                template: c.url_template.clone(),
                from: c.from.clone(),
            }))
        }
        "demo" if c.demo_allowed => Some(std::sync::Arc::new(Demo)),
        other => anyhow::bail!("SUKU_SMS_PROVIDER: unknown provider {other:?} (twilio, http)"),
    })
}

/// Twilio's Messages resource ("Create a Message", twilio.com/docs/messaging/api/message-resource):
/// `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`, HTTP Basic with the account SID
/// and auth token, form fields `To`, `From`, `Body`; 201 with the message's `sid` and
/// `status`. Errors (twilio.com/docs/usage/twilios-response) are `{code, message, status}`:
/// a 4xx is this message refused, except 429 (too many requests); a 5xx is worth retrying.
#[derive(Debug)]
pub struct Twilio {
    http: reqwest::Client,
    base: String,
    sid: String,
    token: String,
    from: String,
}

#[async_trait::async_trait]
impl Sender for Twilio {
    fn name(&self) -> &'static str {
        "Twilio"
    }

    async fn send(&self, to: &str, body: &str) -> Result<Option<String>, SendError> {
        let url = format!(
            "{}/2010-04-01/Accounts/{}/Messages.json",
            self.base, self.sid
        );
        let r = self
            .http
            .post(url)
            .basic_auth(&self.sid, Some(&self.token))
            .form(&[("To", to), ("From", self.from.as_str()), ("Body", body)])
            .send()
            .await
            .map_err(|e| SendError::retry(format!("Twilio: {e}")))?;
        let status = r.status();
        let json: serde_json::Value = r.json().await.unwrap_or_default();
        let said = |k: &str| {
            json.get(k)
                .map(|v| v.to_string().trim_matches('"').to_string())
        };
        if status.is_success() {
            // A message Twilio took but already knows it cannot deliver.
            if matches!(json["status"].as_str(), Some("failed" | "undelivered")) {
                return Err(SendError::refused(format!(
                    "Twilio: {} {}",
                    said("error_code").unwrap_or_default(),
                    said("error_message").unwrap_or_default()
                )));
            }
            return Ok(json["sid"].as_str().map(str::to_string));
        }
        let message = format!(
            "Twilio {}: {} {}",
            status.as_u16(),
            said("code").unwrap_or_default(),
            said("message").unwrap_or_default()
        );
        if status.as_u16() == 429 || status.is_server_error() {
            Err(SendError::retry(message))
        } else {
            Err(SendError::refused(message))
        }
    }
}

/// A gateway that takes the message in a URL: `SUKU_SMS_URL_TEMPLATE`, with `{to}` (the
/// number without its "+"), `{from}` and `{text}` replaced, URL-encoded, then fetched with
/// GET. Any 2xx is sent; a 4xx refused; anything else retried.
#[derive(Debug)]
pub struct UrlTemplate {
    http: reqwest::Client,
    template: String,
    from: String,
}

impl UrlTemplate {
    fn url(&self, to: &str, body: &str) -> String {
        let enc = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        self.template
            .replace("{to}", &enc(to.trim_start_matches('+')))
            .replace("{from}", &enc(&self.from))
            .replace("{text}", &enc(body))
    }
}

#[async_trait::async_trait]
impl Sender for UrlTemplate {
    fn name(&self) -> &'static str {
        "HTTP"
    }

    async fn send(&self, to: &str, body: &str) -> Result<Option<String>, SendError> {
        let r = self
            .http
            .get(self.url(to, body))
            .send()
            .await
            .map_err(|e| SendError::retry(format!("SMS gateway: {e}")))?;
        let status = r.status();
        if status.is_success() {
            Ok(None)
        } else if status.is_client_error() && status.as_u16() != 429 {
            Err(SendError::refused(format!(
                "SMS gateway {}",
                status.as_u16()
            )))
        } else {
            Err(SendError::retry(format!("SMS gateway {}", status.as_u16())))
        }
    }
}

/// The demo school's operator: the message is kept, marked sent, and shown on the
/// administration's SMS page; nothing leaves the machine.
#[derive(Debug)]
pub struct Demo;

#[async_trait::async_trait]
impl Sender for Demo {
    fn name(&self) -> &'static str {
        "démo"
    }

    async fn send(&self, _to: &str, _body: &str) -> Result<Option<String>, SendError> {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_template_gets_its_values_encoded() {
        let t = UrlTemplate {
            http: reqwest::Client::new(),
            template: "https://sms.example.tg/send?to={to}&from={from}&msg={text}".into(),
            from: "LUMIERE".into(),
        };
        assert_eq!(
            t.url("+22890112233", "Code : 123456 & merci"),
            "https://sms.example.tg/send?to=22890112233&from=LUMIERE&msg=Code+%3A+123456+%26+merci"
        );
    }
}
