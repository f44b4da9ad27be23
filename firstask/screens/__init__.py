"""The desk's screens and dialogs, one module and one stylesheet per screen; with what they share: the desk screens'
base (`desk_screen`), the action dialogs' frame (`dialog`), the check-in form the window is built on
(`check_in_form`), and which dialog each action on a case opens (`case_actions`). Their widgets are in
`firstask.widgets`.
"""
