from dflint.launcher import main

main(prog_name="dflint")
