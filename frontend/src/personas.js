// Demo mode: clicking a persona fills in the sign-in form.
export function personaPicker(root) {
  root.querySelectorAll("button.persona").forEach((button) => {
    button.addEventListener("click", () => {
      root.getElementById("id_username").value = button.dataset.username;
      root.getElementById("id_password").value = button.dataset.password;
      root.getElementById("id_password").focus();
    });
  });
}
