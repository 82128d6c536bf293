// Progressive enhancement of the contact form: says at once when the chosen family member's
// safe-contact rules forbid the chosen channel or number. The server checks again on save;
// without JavaScript the same restrictions are shown in the option labels and hints.
(function () {
  "use strict";
  var form = document.getElementById("contact-form");
  var box = document.getElementById("contact-live-check");
  var data = document.getElementById("contact-rules");
  if (!form || !box || !data) {
    return;
  }
  var rules = JSON.parse(data.textContent);

  function value(name) {
    var checked = form.querySelector("[name='" + name + "']:checked");
    if (checked) {
      return checked.value;
    }
    var field = form.querySelector("select[name='" + name + "']");
    return field ? field.value : "";
  }

  function check() {
    var messages = [];
    var rule = value("counterpart") === "person" ? rules[value("person")] : null;
    if (rule && value("direction") === "out") {
      var channel = value("channel");
      if (channel === "phone" && value("number") === "home" && rule.no_calls_at_home) {
        messages.push(box.dataset.msgNocallsathome);
      }
      if (channel === "letter" && rule.no_letters) {
        messages.push(box.dataset.msgNoletters);
      }
      if (channel === "home_visit" && rule.no_calls_at_home) {
        messages.push(box.dataset.msgNohomevisits);
      }
      if (channel === "home_visit" && rule.channel === "in_person") {
        messages.push(box.dataset.msgCentreonly);
      }
    }
    box.textContent = messages.join(" ");
    box.classList.toggle("d-none", messages.length === 0);
  }

  form.addEventListener("change", check);
  check();
})();
